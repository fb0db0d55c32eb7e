//! Container logs: generated lines ([`lines`]), the per-run buffer ([`window`]), which run a request
//! reads ([`source`]) and the `pods/log` handler ([`handler`]).

pub mod handler;
pub mod lines;
pub mod source;
pub mod window;
