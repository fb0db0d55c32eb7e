//! What the object pages (YAML, create, delete) tell the reader when something is wrong: the
//! cluster's problems with their YAML, listed by line, and errors in the reader's language.

use leptos::prelude::*;
use model::objects::YamlIssue;
use model::{AppError, ErrorKind};

use crate::i18n::{Lang, Messages, error_message, use_i18n};

/// The sentence for an error code and the server's (English) message, e.g. one document's
/// failure on the create page.
pub fn code_message(t: &'static Messages, code: &str, message: &str) -> String {
    object_error(t, &AppError::new(ErrorKind::Internal, code, message))
}

/// The sentence for an error of the object pages. English shows the server's own sentence
/// (it names the cluster, the object and the reason); other languages get one per code.
pub fn object_error(t: &'static Messages, err: &AppError) -> String {
    let o = &t.objects;
    let translated = match err.code.as_str() {
        "cluster.read_only" => Some(o.err_read_only),
        "resource.not_found" => Some(o.err_not_found),
        "resource.forbidden" => Some(o.err_forbidden),
        "resource.invalid_yaml" => Some(o.err_invalid_yaml),
        "resource.kind_unknown" => Some(o.err_kind_unknown),
        "resource.confirmation_required" | "cluster.confirmation_required" => {
            Some(o.err_confirmation_required)
        }
        _ => None,
    };
    let english = std::ptr::eq(t, Lang::En.messages());
    match translated {
        Some(text) if !english || err.message.is_empty() => text.to_string(),
        _ => error_message(t, err),
    }
}

/// Issues in reading order: by line, those that could not be placed first (they concern the
/// whole text).
pub fn in_reading_order(issues: &[YamlIssue]) -> Vec<YamlIssue> {
    let mut sorted = issues.to_vec();
    sorted.sort_by_key(|i| (i.line.unwrap_or(0), i.column.unwrap_or(0)));
    sorted
}

/// The problems the cluster found, each with its line and field.
#[component]
pub fn IssueList(
    #[prop(into)] issues: Signal<Vec<YamlIssue>>,
    #[prop(into, default = "yaml-issues".to_string())] testid: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let items = move || {
        in_reading_order(&issues.get())
            .into_iter()
            .map(|issue| {
                let line = issue.line;
                let place = move || match line {
                    Some(line) => (i18n.t().objects.at_line)(line),
                    None => i18n.t().objects.whole_text.to_string(),
                };
                view! {
                    <li data-testid="yaml-issue" data-line=line.map(|l| l.to_string())>
                        <span class="issue-place">{place}</span>
                        {issue.field.map(|f| view! { <code class="issue-field">{f}</code> })}
                        <span class="issue-message">{issue.message}</span>
                    </li>
                }
            })
            .collect_view()
    };
    view! {
        <Show when=move || issues.with(|i| !i.is_empty())>
            <section class="issue-list" role="alert" data-testid=testid.clone()>
                <h2 class="issue-title">{move || (i18n.t().objects.issues_found)(issues.with(Vec::len))}</h2>
                <ul>{items}</ul>
            </section>
        </Show>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn issue(line: Option<u32>, message: &str) -> YamlIssue {
        YamlIssue {
            line,
            column: None,
            field: None,
            message: message.into(),
        }
    }

    #[test]
    fn issues_read_top_down_with_unplaced_ones_first() {
        let sorted = in_reading_order(&[
            issue(Some(12), "b"),
            issue(None, "whole"),
            issue(Some(3), "a"),
        ]);
        let order: Vec<&str> = sorted.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(order, ["whole", "a", "b"]);
    }

    #[test]
    fn object_errors_keep_the_servers_sentence_in_english_and_translate_otherwise() {
        let err = AppError::new(
            ErrorKind::Forbidden,
            "cluster.read_only",
            "Cluster eu-prod is read-only: changes to it are refused.",
        );
        assert_eq!(
            object_error(Lang::En.messages(), &err),
            "Cluster eu-prod is read-only: changes to it are refused."
        );
        assert_eq!(
            object_error(Lang::Zh.messages(), &err),
            Lang::Zh.messages().objects.err_read_only
        );
        // Codes the object pages do not know fall back to the general catalogue.
        let unreachable = AppError::new(ErrorKind::Unavailable, "cluster.unreachable", "x");
        assert_eq!(
            object_error(Lang::Zh.messages(), &unreachable),
            Lang::Zh.messages().errors.cluster_unreachable
        );
    }
}
