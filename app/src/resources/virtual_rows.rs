//! Long pages (500 or 1 000 rows) render only the rows near the viewport, with spacers for
//! the rest: a live page of 1 000 rows changing hundreds of times a second would otherwise
//! spend every frame on style and layout of rows nobody sees.

use std::ops::Range;

/// Pages up to this many rows are rendered whole (the server-rendered page always is).
pub const VIRTUAL_FROM: usize = 100;
/// Rows rendered beyond each edge of the viewport, so fast scrolling shows no gap.
const OVERSCAN: usize = 12;

/// The rows to render of `len`, each `row_height` pixels tall, when the first row's top edge
/// is at `body_top` pixels from the viewport's top and the viewport is `viewport` tall.
pub fn visible_range(len: usize, row_height: f64, body_top: f64, viewport: f64) -> Range<usize> {
    let measured = row_height.is_finite() && row_height > 0.0 && body_top.is_finite();
    if len <= VIRTUAL_FROM || !measured {
        return 0..len;
    }
    // Float to integer casts saturate: a huge or negative value cannot wrap.
    let first = ((-body_top).max(0.0) / row_height).floor() as usize;
    let shown = (viewport.max(0.0) / row_height).ceil() as usize;
    let start = first.saturating_sub(OVERSCAN).min(len);
    let end = first
        .saturating_add(shown)
        .saturating_add(OVERSCAN)
        .clamp(start, len);
    start..end
}

/// `range` within a list of `len` rows (the list may have shrunk since it was computed).
pub fn clamp(range: &Range<usize>, len: usize) -> Range<usize> {
    let end = range.end.min(len);
    range.start.min(end)..end
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_pages_render_whole() {
        assert_eq!(visible_range(50, 40.0, -5_000.0, 900.0), 0..50);
        assert_eq!(
            visible_range(VIRTUAL_FROM, 40.0, 0.0, 900.0),
            0..VIRTUAL_FROM
        );
    }

    #[test]
    fn long_pages_render_the_viewport_and_a_margin() {
        // The table starts below the fold's top: rows 0..(900/40 = 23)+12.
        assert_eq!(visible_range(1000, 40.0, 300.0, 900.0), 0..35);
        // Scrolled 10 000 px into the table: row 250 is at the top.
        assert_eq!(visible_range(1000, 40.0, -10_000.0, 900.0), 238..285);
        // Past the end.
        assert_eq!(visible_range(1000, 40.0, -1e9, 900.0), 1000..1000);
    }

    #[test]
    fn nonsense_measurements_fall_back_to_every_row() {
        assert_eq!(visible_range(500, 0.0, 0.0, 900.0), 0..500);
        assert_eq!(visible_range(500, f64::NAN, 0.0, 900.0), 0..500);
        assert_eq!(visible_range(500, 40.0, f64::NAN, 900.0), 0..500);
    }

    #[test]
    fn ranges_shrink_with_their_list() {
        assert_eq!(clamp(&(200..260), 230), 200..230);
        assert_eq!(clamp(&(200..260), 100), 100..100);
        assert_eq!(clamp(&(0..usize::MAX), 40), 0..40);
    }
}
