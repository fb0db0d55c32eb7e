//! What a cluster's refusal of a write means for the user: a conflict, problems placed at lines
//! of their YAML, a missing object or namespace, or a plain refusal to show as it is.
//!
//! The API server names invalid fields in two ways: 422 Invalid with `details.causes[].field`
//! (`spec.template.spec.containers[0].image`), and 400 BadRequest whose message names the field,
//! for values of the wrong type (`json: cannot unmarshal string into Go struct field
//! DeploymentSpec.spec.replicas of type int32`) and unknown fields under strict validation
//! (`strict decoding error: unknown field "spec.replica"`). Both become issues.

use kube::core::Status;
use model::objects::YamlIssue;

use super::lines::{LineIndex, Position};

/// A write the cluster refused, classified.
#[derive(Debug)]
pub enum Refusal {
    /// 409 on update: the object changed since it was read.
    Conflict,
    /// 409 on create: an object with this name exists.
    AlreadyExists(String),
    /// 422, or a 400 that names fields: the object itself is wrong.
    Invalid(Vec<Problem>),
    /// 404 for the namespace the object goes into.
    NamespaceMissing(String),
    /// 404 for the object or its kind.
    NotFound(String),
    /// 403: Capstan's credentials may not do this, or an admission rule refused it.
    Forbidden(String),
    /// Anything else the cluster answered with a status.
    Other { code: u16, message: String },
}

/// One problem the cluster named, before it is placed in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub field: Option<String>,
    pub message: String,
}

impl Problem {
    /// The problem placed at the line of its field in `index` (or at `fallback`).
    pub fn place(&self, index: Option<&LineIndex>, fallback: Option<Position>) -> YamlIssue {
        let position = self
            .field
            .as_deref()
            .and_then(|f| index.and_then(|i| i.locate(f)))
            .or(fallback);
        YamlIssue {
            line: position.map(|p| p.line),
            column: position.map(|p| p.column),
            field: self.field.clone(),
            message: self.message.clone(),
        }
    }
}

/// Classifies the status of a refused write.
pub fn classify(status: &Status) -> Refusal {
    let message = status.message.clone();
    match (status.code, status.reason.as_str()) {
        (409, "AlreadyExists") => Refusal::AlreadyExists(message),
        (409, _) => Refusal::Conflict,
        (422, _) => Refusal::Invalid(causes(status)),
        (400, _) => match fields_in_message(&message) {
            problems if !problems.is_empty() => Refusal::Invalid(problems),
            // A bad request that names no field is still about the text the user sent.
            _ => Refusal::Invalid(vec![Problem {
                field: None,
                message,
            }]),
        },
        (404, _)
            if status
                .details
                .as_ref()
                .is_some_and(|d| d.kind == "namespaces") =>
        {
            let name = status
                .details
                .as_ref()
                .map(|d| d.name.clone())
                .unwrap_or_default();
            Refusal::NamespaceMissing(name)
        }
        (404, _) => Refusal::NotFound(message),
        (403, _) => Refusal::Forbidden(message),
        (code, _) => Refusal::Other { code, message },
    }
}

fn causes(status: &Status) -> Vec<Problem> {
    let causes = status
        .details
        .as_ref()
        .map(|d| d.causes.as_slice())
        .unwrap_or_default();
    if causes.is_empty() {
        return vec![Problem {
            field: None,
            message: status.message.clone(),
        }];
    }
    causes
        .iter()
        .map(|c| {
            let field = Some(c.field.trim().to_string()).filter(|f| !f.is_empty() && f != "<nil>");
            let message = match &field {
                Some(f) => format!("{f}: {}", c.message),
                None => c.message.clone(),
            };
            Problem { field, message }
        })
        .collect()
}

/// The fields a 400 message names, each with the part of the message about it.
fn fields_in_message(message: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    // `… unknown field "spec.replica", unknown field "spec.x"`
    let mut rest = message;
    while let Some(at) = rest.find("unknown field \"") {
        let after = &rest[at + "unknown field \"".len()..];
        let Some(end) = after.find('"') else { break };
        let field = after[..end].trim_start_matches('.').to_string();
        problems.push(Problem {
            message: format!(
                "Unknown field \"{field}\": this kind has no such field (a typo, or the wrong indentation?)"
            ),
            field: Some(field),
        });
        rest = &after[end..];
    }
    // `… into Go struct field DeploymentSpec.spec.replicas of type int32`
    if let Some(at) = message.find("Go struct field ") {
        let after = &message[at + "Go struct field ".len()..];
        let qualified = after.split(" of type ").next().unwrap_or_default();
        // The first segment is the Go type's name; the JSON path follows.
        if let Some((_, path)) = qualified.split_once('.') {
            let expected = after
                .split_once(" of type ")
                .map(|(_, t)| t.split_whitespace().next().unwrap_or_default())
                .unwrap_or_default();
            let found = message
                .split("cannot unmarshal ")
                .nth(1)
                .and_then(|s| s.split(" into ").next())
                .unwrap_or("a value");
            problems.push(Problem {
                field: Some(path.to_string()),
                message: format!("{path}: expected {expected}, found {found}"),
            });
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use kube::core::response::{StatusCause, StatusDetails};

    use super::*;

    fn details(kind: &str, name: &str, causes: Vec<StatusCause>) -> StatusDetails {
        StatusDetails {
            name: name.into(),
            group: String::new(),
            kind: kind.into(),
            uid: String::new(),
            causes,
            retry_after_seconds: 0,
        }
    }

    fn status(code: u16, reason: &str, message: &str, details: Option<StatusDetails>) -> Status {
        Status {
            code,
            reason: reason.into(),
            message: message.into(),
            details,
            ..Status::default()
        }
    }

    #[test]
    fn invalid_causes_keep_their_fields() {
        let details = details(
            "deployments",
            "web",
            vec![
                StatusCause {
                    reason: "FieldValueRequired".into(),
                    message: "Required value".into(),
                    field: "spec.template.spec.containers[0].image".into(),
                },
                StatusCause {
                    reason: "FieldValueInvalid".into(),
                    message: "Invalid value".into(),
                    field: String::new(),
                },
            ],
        );
        let Refusal::Invalid(problems) = classify(&status(422, "Invalid", "x", Some(details)))
        else {
            panic!("invalid");
        };
        assert_eq!(
            problems,
            vec![
                Problem {
                    field: Some("spec.template.spec.containers[0].image".into()),
                    message: "spec.template.spec.containers[0].image: Required value".into(),
                },
                Problem {
                    field: None,
                    message: "Invalid value".into(),
                },
            ]
        );
    }

    #[test]
    fn type_errors_and_unknown_fields_name_their_path() {
        let typed = "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32";
        let Refusal::Invalid(problems) = classify(&status(400, "BadRequest", typed, None)) else {
            panic!("invalid");
        };
        assert_eq!(problems[0].field.as_deref(), Some("spec.replicas"));
        assert_eq!(
            problems[0].message,
            "spec.replicas: expected int32, found string"
        );
        let strict = "strict decoding error: unknown field \"spec.replica\", unknown field \"spec.template.spec.containers[0].imagee\"";
        let Refusal::Invalid(problems) = classify(&status(400, "BadRequest", strict, None)) else {
            panic!("invalid");
        };
        let fields: Vec<_> = problems.iter().filter_map(|p| p.field.as_deref()).collect();
        assert_eq!(
            fields,
            vec!["spec.replica", "spec.template.spec.containers[0].imagee"]
        );
    }

    #[test]
    fn conflicts_missing_namespaces_and_the_rest_are_told_apart() {
        assert!(matches!(
            classify(&status(409, "Conflict", "modified", None)),
            Refusal::Conflict
        ));
        assert!(matches!(
            classify(&status(409, "AlreadyExists", "exists", None)),
            Refusal::AlreadyExists(_)
        ));
        let ns = details("namespaces", "shop", Vec::new());
        assert!(matches!(
            classify(&status(404, "NotFound", "namespaces \"shop\" not found", Some(ns))),
            Refusal::NamespaceMissing(n) if n == "shop"
        ));
        assert!(matches!(
            classify(&status(404, "NotFound", "gone", None)),
            Refusal::NotFound(_)
        ));
        assert!(matches!(
            classify(&status(500, "InternalError", "boom", None)),
            Refusal::Other { code: 500, .. }
        ));
    }

    #[test]
    fn problems_are_placed_at_their_field_or_the_fallback() {
        let index = LineIndex::new("spec:\n  replicas: x\n").expect("parses");
        let problem = Problem {
            field: Some("spec.replicas".into()),
            message: "bad".into(),
        };
        let issue = problem.place(Some(&index), None);
        assert_eq!((issue.line, issue.column), (Some(2), Some(3)));
        let unplaced = Problem {
            field: None,
            message: "bad".into(),
        };
        let fallback = Position { line: 7, column: 1 };
        assert_eq!(unplaced.place(Some(&index), Some(fallback)).line, Some(7));
    }
}
