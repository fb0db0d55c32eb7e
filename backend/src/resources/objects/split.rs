//! Splitting a multi-document YAML text at its `---` markers, keeping where each document starts
//! so that problems found in one document point at lines of the whole text.
//!
//! A line that starts with `---` (followed by nothing, a space or a tab) starts a document; a line
//! `...` ends one. YAML forbids both markers at the start of a line inside any scalar, so cutting
//! the text there never splits a value in two.

/// One non-empty document of a multi-document text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document<'a> {
    /// 0-based position among the non-empty documents.
    pub index: usize,
    /// The document's text, from its `---` line (if any) to the next marker.
    pub text: &'a str,
    /// Lines of the whole text before `text`: add it to a line inside `text` to get the line in
    /// the whole.
    pub line_offset: u32,
    /// 1-based line of the document's first content (not a marker, comment or blank line).
    pub first_line: u32,
}

impl Document<'_> {
    /// The line in the whole text of `line` (1-based) inside this document.
    pub fn whole_line(&self, line: u32) -> u32 {
        self.line_offset + line
    }
}

/// The documents of `text`, leaving out those that hold only comments and blank lines.
pub fn split(text: &str) -> Vec<Document<'_>> {
    let mut documents = Vec::new();
    let mut start = 0usize;
    let mut start_line = 0u32;
    let mut offset = 0usize;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        let line_no = u32::try_from(index).unwrap_or(u32::MAX);
        let end = offset + line.len();
        if is_marker(line, "---") {
            push(text, start..offset, start_line, &mut documents);
            start = offset;
            start_line = line_no;
        } else if is_marker(line, "...") {
            push(text, start..offset, start_line, &mut documents);
            start = end;
            start_line = line_no.saturating_add(1);
        }
        offset = end;
    }
    push(text, start..text.len(), start_line, &mut documents);
    documents
}

/// Adds `text[range]` as a document unless it has no content.
fn push<'a>(
    text: &'a str,
    range: std::ops::Range<usize>,
    line_offset: u32,
    documents: &mut Vec<Document<'a>>,
) {
    let chunk = &text[range];
    if let Some(content) = first_content_line(chunk) {
        documents.push(Document {
            index: documents.len(),
            text: chunk,
            line_offset,
            first_line: line_offset + content,
        });
    }
}

/// Whether `line` is the document marker `marker`, alone or followed by whitespace.
fn is_marker(line: &str, marker: &str) -> bool {
    line.strip_prefix(marker)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n']))
}

/// 1-based line (within `chunk`) of its first content, or `None` when it has none.
fn first_content_line(chunk: &str) -> Option<u32> {
    chunk
        .lines()
        .enumerate()
        .find(|(_, line)| {
            let rest = if is_marker(line, "---") {
                &line[3..]
            } else {
                line
            };
            let rest = rest.trim();
            // Directives (`%YAML 1.2`) belong to the document but are not content.
            !(rest.is_empty() || rest.starts_with('#') || rest.starts_with('%'))
        })
        .and_then(|(i, _)| u32::try_from(i + 1).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary(text: &str) -> Vec<(usize, u32, u32, &str)> {
        split(text)
            .into_iter()
            .map(|d| (d.index, d.line_offset, d.first_line, d.text))
            .collect()
    }

    #[test]
    fn one_document_without_markers_is_the_whole_text() {
        assert_eq!(summary("a: 1\nb: 2\n"), vec![(0, 0, 1, "a: 1\nb: 2\n")]);
    }

    #[test]
    fn markers_split_and_documents_keep_their_lines() {
        let text = "---\n# web\nkind: A\n---\nkind: B\n\n---   # third\n\nkind: C";
        assert_eq!(
            summary(text),
            vec![
                (0, 0, 3, "---\n# web\nkind: A\n"),
                (1, 3, 5, "---\nkind: B\n\n"),
                (2, 6, 9, "---   # third\n\nkind: C"),
            ]
        );
        let docs = split(text);
        assert_eq!(docs[1].whole_line(2), 5);
    }

    #[test]
    fn empty_documents_are_left_out_and_not_counted() {
        let text = "---\n---\n# only a comment\n---\n\nkind: A\n---\n";
        assert_eq!(summary(text), vec![(0, 3, 6, "---\n\nkind: A\n")]);
        assert!(split("").is_empty());
        assert!(split("\n# nothing\n").is_empty());
    }

    #[test]
    fn dashes_that_are_not_markers_stay_in_the_document() {
        // Indented, or followed by more text, `---` is content.
        let text = "a: |\n  ---\n  text\nb: ---x\n----\n";
        assert_eq!(split(text).len(), 1);
    }

    #[test]
    fn the_end_marker_closes_a_document() {
        let text = "kind: A\n...\n# between\nkind: B\n";
        assert_eq!(
            summary(text),
            vec![(0, 0, 1, "kind: A\n"), (1, 2, 4, "# between\nkind: B\n")]
        );
    }

    #[test]
    fn windows_line_endings_split_too() {
        let text = "kind: A\r\n---\r\nkind: B\r\n";
        assert_eq!(
            summary(text),
            vec![(0, 0, 1, "kind: A\r\n"), (1, 1, 3, "---\r\nkind: B\r\n")]
        );
    }
}
