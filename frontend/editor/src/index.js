// Capstan's code editor: CodeMirror 6 with YAML, line numbers, folding, search and a lint gutter,
// plus a diff view (side by side on wide screens, unified on narrow ones). The pages load this
// file on demand and drive it through the small API below; everything else stays in here.

import { basicSetup } from 'codemirror';
import { Compartment, EditorState } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { indentWithTab } from '@codemirror/commands';
import { HighlightStyle, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { yaml } from '@codemirror/lang-yaml';
import { lintGutter, setDiagnostics as lintDiagnostics } from '@codemirror/lint';
import { search } from '@codemirror/search';
import { MergeView, unifiedMergeView } from '@codemirror/merge';
import { tags } from '@lezer/highlight';

// ---------------------------------------------------------------------------------------------
// Look: the editor's chrome uses the page's CSS variables (so it follows <html data-theme> by
// itself); token colours and CodeMirror's own light/dark defaults switch with the page's
// resolved colour scheme.

const chrome = EditorView.theme({
  '&': {
    color: 'var(--text)',
    backgroundColor: 'var(--surface)',
    fontSize: '13px',
  },
  '.cm-scroller': { fontFamily: 'var(--mono)', lineHeight: '1.55' },
  '.cm-content': { caretColor: 'var(--text)' },
  '.cm-cursor, .cm-dropCursor': { borderLeftColor: 'var(--text)' },
  '.cm-gutters': {
    backgroundColor: 'var(--surface-2)',
    color: 'var(--text-muted)',
    borderRight: '1px solid var(--border)',
  },
  '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--accent-soft) 45%, transparent)' },
  '.cm-activeLineGutter': { backgroundColor: 'var(--surface-hover)', color: 'var(--text)' },
  '&.cm-focused': { outline: '2px solid var(--focus)', outlineOffset: '-1px' },
  '&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, ::selection':
    { backgroundColor: 'color-mix(in srgb, var(--accent) 28%, transparent)' },
  '.cm-panels': { backgroundColor: 'var(--surface-2)', color: 'var(--text)' },
  '.cm-panels-top': { borderBottom: '1px solid var(--border)' },
  '.cm-panel input, .cm-panel button, .cm-textfield': { fontSize: '13px' },
  '.cm-textfield': {
    backgroundColor: 'var(--surface)',
    border: '1px solid var(--border-strong)',
    borderRadius: '4px',
    color: 'var(--text)',
  },
  '.cm-button': {
    backgroundImage: 'none',
    backgroundColor: 'var(--surface)',
    border: '1px solid var(--border-strong)',
    borderRadius: '4px',
    color: 'var(--text)',
  },
  '.cm-tooltip': {
    backgroundColor: 'var(--surface)',
    color: 'var(--text)',
    border: '1px solid var(--border-strong)',
    borderRadius: '6px',
  },
  '.cm-diagnostic-error': { borderLeftColor: 'var(--danger)' },
  '.cm-lintRange-error': {
    backgroundImage: 'none',
    textDecoration: 'underline wavy var(--danger)',
    textUnderlineOffset: '3px',
  },
  '.cm-foldPlaceholder': {
    backgroundColor: 'var(--surface-2)',
    border: '1px solid var(--border)',
    color: 'var(--text-muted)',
  },
  // `&light`/`&dark` only work in base themes; the extra class outranks @codemirror/merge's.
  '&.cm-editor .cm-collapsedLines': {
    background: 'var(--surface-2)',
    color: 'var(--text-muted)',
    fontFamily: 'var(--font)',
  },
  '.cm-collapsedLines:before, .cm-collapsedLines:after': { content: '"↕"' },
  '.cm-searchMatch': { backgroundColor: 'color-mix(in srgb, #f5b400 35%, transparent)' },
  '.cm-searchMatch.cm-searchMatch-selected': { backgroundColor: 'color-mix(in srgb, #f5b400 60%, transparent)' },
});

function tokenStyle(c) {
  return HighlightStyle.define([
    { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: c.key },
    { tag: [tags.string, tags.special(tags.string), tags.content], color: c.string },
    { tag: [tags.number, tags.bool, tags.null, tags.atom], color: c.literal },
    { tag: [tags.keyword, tags.typeName, tags.labelName, tags.meta], color: c.meta },
    { tag: [tags.comment, tags.lineComment], color: c.comment, fontStyle: 'italic' },
    { tag: [tags.punctuation, tags.separator, tags.squareBracket, tags.brace], color: c.punct },
    { tag: tags.invalid, color: c.invalid },
  ]);
}

const lightTokens = tokenStyle({
  key: '#1b46b0', string: '#0b6e4f', literal: '#9a3412', meta: '#7c3aed',
  comment: '#5b6472', punct: '#5b6472', invalid: '#b42318',
});
const darkTokens = tokenStyle({
  key: '#9dbbff', string: '#7dd9a8', literal: '#ffb38a', meta: '#d0b3ff',
  comment: '#98a2b3', punct: '#a3acba', invalid: '#ffb0a6',
});

/** True when the page is dark: its explicit theme, or the system's for "system". */
function pageIsDark() {
  const scheme = getComputedStyle(document.documentElement).colorScheme || '';
  if (scheme.includes('dark') && !scheme.includes('light')) return true;
  if (scheme.includes('light') && !scheme.includes('dark')) return false;
  return window.matchMedia('(prefers-color-scheme: dark)').matches;
}

function schemeExtensions(dark) {
  return [EditorView.darkTheme.of(dark), syntaxHighlighting(dark ? darkTokens : lightTokens)];
}

// Every live view with its scheme compartment; one observer re-themes them all.
const themed = new Set();
let observing = false;

function followPageScheme(view, compartment) {
  const entry = { view, compartment };
  themed.add(entry);
  if (!observing) {
    observing = true;
    const update = () => {
      const dark = pageIsDark();
      for (const { view, compartment } of themed) {
        view.dispatch({ effects: compartment.reconfigure(schemeExtensions(dark)) });
      }
    };
    new MutationObserver(update).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
    window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', update);
  }
  return () => themed.delete(entry);
}

// ---------------------------------------------------------------------------------------------
// Shared pieces.

function yamlSetup() {
  return [
    basicSetup,
    yaml(),
    EditorState.tabSize.of(2),
    indentUnit.of('  '),
    keymap.of([indentWithTab]),
    search({ top: true }),
    chrome,
  ];
}

function readOnlyExtensions(readOnly) {
  return [EditorState.readOnly.of(readOnly), EditorView.editable.of(!readOnly)];
}

function labelled(label) {
  return label ? EditorView.contentAttributes.of({ 'aria-label': label }) : [];
}

function changeListener(onChange) {
  return EditorView.updateListener.of((update) => {
    if (update.docChanged && typeof onChange === 'function') onChange(update.state.doc.toString());
  });
}

function replaceDoc(view, text) {
  if (view.state.doc.toString() === text) return;
  view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
}

/** Diagnostics at 1-based lines and columns; issues without a line are left to the page. */
function toDiagnostics(doc, issues) {
  const out = [];
  for (const issue of issues || []) {
    const lineNo = Number(issue.line);
    if (!Number.isFinite(lineNo) || lineNo < 1) continue;
    const line = doc.line(Math.min(lineNo, doc.lines));
    const column = Math.max(1, Number(issue.column) || 1);
    const from = Math.min(line.from + column - 1, line.to);
    // Mark from the column to the end of the line (a whole empty line still gets a marker).
    const to = line.to > from ? line.to : Math.min(from + 1, doc.length);
    out.push({ from, to: Math.max(to, from), severity: 'error', message: String(issue.message ?? '') });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The editor.

/**
 * An editor in `parent`: `{doc, readOnly, onChange(text), label}`. Returns a handle with
 * `getValue()`, `setValue(text)`, `setDiagnostics([{line, column, message}])`,
 * `setReadOnly(bool)`, `focus()` and `destroy()`.
 */
export function createEditor(parent, options = {}) {
  const scheme = new Compartment();
  const editable = new Compartment();
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc: options.doc ?? '',
      extensions: [
        yamlSetup(),
        lintGutter(),
        scheme.of(schemeExtensions(pageIsDark())),
        editable.of(readOnlyExtensions(!!options.readOnly)),
        labelled(options.label),
        changeListener(options.onChange),
      ],
    }),
  });
  const unfollow = followPageScheme(view, scheme);
  return {
    getValue: () => view.state.doc.toString(),
    setValue: (text) => replaceDoc(view, String(text ?? '')),
    setDiagnostics: (issues) => {
      const diagnostics = toDiagnostics(view.state.doc, issues);
      const spec = lintDiagnostics(view.state, diagnostics);
      // Bring the first problem into sight, without moving the cursor.
      const first = diagnostics.reduce((min, d) => (min === null || d.from < min ? d.from : min), null);
      if (first !== null) {
        spec.effects = [].concat(spec.effects ?? [], EditorView.scrollIntoView(first, { y: 'center' }));
      }
      view.dispatch(spec);
    },
    setReadOnly: (readOnly) => view.dispatch({ effects: editable.reconfigure(readOnlyExtensions(!!readOnly)) }),
    focus: () => view.focus(),
    destroy: () => {
      unfollow();
      view.destroy();
    },
  };
}

// ---------------------------------------------------------------------------------------------
// The diff view.

const NARROW = '(max-width: 800px)';

function legend(parent, labels, unified) {
  const head = document.createElement('div');
  head.className = unified ? 'cs-merge-legend cs-merge-unified' : 'cs-merge-legend';
  for (const [text, cls] of [[labels.original, 'cs-merge-original'], [labels.modified, 'cs-merge-modified']]) {
    const span = document.createElement('span');
    span.className = cls;
    span.textContent = text ?? '';
    head.append(span);
  }
  parent.append(head);
  return head;
}

/**
 * The difference between `original` and `modified` in `parent`: side by side when the screen
 * is wide, one unified column when it is narrow (switching as the screen changes). Options:
 * `{original, modified, editable, onChange(text), labels: {original, modified}}`. Only the
 * modified side can be edited, and only when `editable`. Returns a handle with `getValue()`,
 * `setValue(text)`, `setOriginal(text)` and `destroy()`.
 */
export function createMergeView(parent, options = {}) {
  const labels = options.labels ?? {};
  const editable = !!options.editable;
  let original = options.original ?? '';
  let modified = options.modified ?? '';
  const narrow = window.matchMedia(NARROW);
  let current = null;

  const onChange = (text) => {
    modified = text;
    if (typeof options.onChange === 'function') options.onChange(text);
  };

  function build() {
    const scheme = new Compartment();
    const common = [yamlSetup(), scheme.of(schemeExtensions(pageIsDark()))];
    const unified = narrow.matches;
    const head = legend(parent, labels, unified);
    if (unified) {
      const view = new EditorView({
        parent,
        state: EditorState.create({
          doc: modified,
          extensions: [
            common,
            readOnlyExtensions(!editable),
            unifiedMergeView({ original, mergeControls: false, gutter: true, collapseUnchanged: { margin: 3, minSize: 6 } }),
            labelled(labels.modified),
            changeListener(onChange),
          ],
        }),
      });
      view.dom.classList.add('cs-merge-unified-view');
      const unfollow = followPageScheme(view, scheme);
      return { views: [view], modifiedView: view, head, destroy: () => { unfollow(); view.destroy(); } };
    }
    const otherScheme = new Compartment();
    const merge = new MergeView({
      parent,
      a: {
        doc: original,
        extensions: [yamlSetup(), otherScheme.of(schemeExtensions(pageIsDark())), readOnlyExtensions(true), labelled(labels.original)],
      },
      b: {
        doc: modified,
        extensions: [common, readOnlyExtensions(!editable), labelled(labels.modified), changeListener(onChange)],
      },
      gutter: true,
      highlightChanges: true,
      collapseUnchanged: { margin: 3, minSize: 6 },
    });
    const unfollowA = followPageScheme(merge.a, otherScheme);
    const unfollowB = followPageScheme(merge.b, scheme);
    return {
      views: [merge.a, merge.b],
      modifiedView: merge.b,
      head,
      destroy: () => { unfollowA(); unfollowB(); merge.destroy(); },
    };
  }

  function rebuild() {
    if (current) {
      current.destroy();
      current.head.remove();
    }
    current = build();
  }

  rebuild();
  narrow.addEventListener('change', rebuild);
  return {
    getValue: () => modified,
    setValue: (text) => {
      modified = String(text ?? '');
      replaceDoc(current.modifiedView, modified);
    },
    setOriginal: (text) => {
      original = String(text ?? '');
      rebuild();
    },
    destroy: () => {
      narrow.removeEventListener('change', rebuild);
      current.destroy();
      current.head.remove();
    },
  };
}
