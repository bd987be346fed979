//! `placement report`: the chart-ready summary of one intake, as Markdown
//! and as one self-contained HTML page; its output file, its refusals and
//! its escaping of what an intake holds.

use assert_cmd::Command;
use std::path::Path;

const MINI: &str = "tests/fixtures/mini";
const RECORD: &str = "tests/fixtures/record/reassessed.yaml";
const HOSTILE: &str = "tests/fixtures/report/hostile.yaml";

struct Run {
    stdout: String,
    stderr: String,
    code: i32,
}

fn run(args: &[&str]) -> Run {
    let out = Command::cargo_bin("placement")
        .unwrap()
        .args(args)
        .output()
        .unwrap();
    Run {
        stdout: String::from_utf8(out.stdout).unwrap(),
        stderr: String::from_utf8(out.stderr).unwrap(),
        code: out.status.code().unwrap(),
    }
}

#[test]
fn the_markdown_report_has_everything_a_chart_needs() {
    let r = run(&["--rules", MINI, "report", RECORD]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    insta::assert_snapshot!("report_markdown_reassessed", r.stdout);
}

#[test]
fn the_html_report_is_the_same_report_on_one_page() {
    let r = run(&["--rules", MINI, "report", RECORD, "--format", "html"]);
    assert_eq!((r.code, r.stderr.as_str()), (0, ""));
    insta::assert_snapshot!("report_html_reassessed", r.stdout);
}

#[test]
fn the_html_report_is_self_contained_with_no_scripts() {
    for file in [RECORD, HOSTILE] {
        let r = run(&["--rules", MINI, "report", file, "--format", "html"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let html = r.stdout.to_ascii_lowercase();
        assert!(html.starts_with("<!doctype html>\n<html lang=\"en\">\n"));
        assert!(html.trim_end().ends_with("</html>"));
        assert!(html.contains(
            "<meta http-equiv=\"content-security-policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        ));
        // Every `<` in the text is escaped, so each `<` starts a tag: the
        // tags are only these, with no attribute that loads anything.
        let allowed = [
            "!doctype", "html", "head", "meta", "title", "style", "body", "h1", "h2", "h3", "div",
            "span", "p", "b", "br", "table", "thead", "tr", "th", "td", "ul", "li", "section",
            "footer",
        ];
        for tag in html.split('<').skip(1) {
            let tag = &tag[..tag.find('>').expect("a tag ends")];
            let name = tag.trim_start_matches('/').split(' ').next().unwrap();
            assert!(allowed.contains(&name), "{file}: <{tag}>");
            if name == "!doctype" {
                assert_eq!(tag, "!doctype html");
                continue;
            }
            for attr in attributes(tag) {
                assert!(
                    [
                        "lang",
                        "charset",
                        "http-equiv",
                        "content",
                        "name",
                        "class",
                        "title"
                    ]
                    .contains(&attr),
                    "{file}: <{tag}>"
                );
            }
        }
        let style = &html[html.find("<style>").unwrap()..html.find("</style>").unwrap()];
        assert!(!style.contains("url(") && !style.contains("@import"));
        assert!(html.contains("@media print"));
    }
}

/// The attribute names of a tag's text (`meta charset="utf-8"`); every
/// value is quoted, and a value holds no `"` (it is escaped).
fn attributes(tag: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = tag.split_once(' ').map_or("", |(_, r)| r);
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return names;
        }
        let end = rest.find(['=', ' ']).unwrap_or(rest.len());
        names.push(&rest[..end]);
        rest = &rest[end..];
        if let Some(r) = rest.strip_prefix("=\"") {
            rest = &r[r.find('"').expect("a quoted value ends") + 1..];
        }
    }
}

#[test]
fn what_an_intake_holds_is_escaped_in_html() {
    let r = run(&["--rules", MINI, "report", HOSTILE, "--format", "html"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let h = &r.stdout;
    assert!(h.contains("<title>Placement report: R-&lt;3&gt;</title>"));
    assert!(h.contains("<div><span class=\"k\">Client:</span> C-&amp;1</div>"));
    assert!(h.contains(
        "<span class=\"id\" title=\"How old are you?\">age</span>: <span class=\"value\">33</span><span class=\"extra\">; note: <span class=\"note\">&lt;img src=x onerror=alert(1)&gt;</span></span>"
    ));
    // Free text keeps its line break; the terminal escape and the
    // right-to-left override are shown, not obeyed.
    assert!(h.contains(
        "<span class=\"value\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quoted&quot;\nsecond line \\e[31mred \\u{202e}evil</span>"
    ));
    assert!(!h.contains('\u{1b}') && !h.contains('\u{202e}'));
}

#[test]
fn what_an_intake_holds_is_escaped_in_markdown() {
    let r = run(&["--rules", MINI, "report", HOSTILE]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.starts_with("# Placement report: R-\\<3\\>\n"));
    assert!(r.stdout.contains(
        "- **notes**: \\<script\\>alert('x')\\</script\\> & \"quoted\" second line \\\\e\\[31mred \\\\u{202e}evil\n"
    ));
    assert!(r
        .stdout
        .contains("- **age**: 33; note: \\<img src=x onerror=alert(1)\\>\n"));
    assert!(!r.stdout.contains('\u{1b}') && !r.stdout.contains('\u{202e}'));
}

#[test]
fn an_incomplete_intake_lists_what_is_missing_and_possible_flags_without_an_acknowledgement() {
    let r = run(&["--rules", MINI, "report", HOSTILE]);
    let md = &r.stdout;
    let flags = &md[md.find("> **").unwrap()..md.find("## Recommendation").unwrap()];
    assert_eq!(
        flags,
        "> **POSSIBLE CRITICAL** (no\\_sleep): Under three hours of sleep. Same-day check needed.
>
> **Action:** Book a same-day check with the duty clinician before the client leaves.

> **POSSIBLE WARNING** (money\\_trouble): Money worries reported; offer the advice line.
>
> **Action:** Give the advice line's number before the client leaves.

> **INFO** (notes\\_given): Free-text notes were recorded.

> **POSSIBLE INFO** (intensive\\_info): Daily sessions recommended; check the timetable.

_POSSIBLE: cannot be ruled out until the missing answers are known._

"
    );
    assert!(md.contains(
        "**Incomplete:** could be as high as Intensive with the missing answers (wq\\_2, wq\\_3, pq\\_1, pq\\_2, pq\\_3).\n"
    ));
    assert!(md.contains("- No answer: stressors, has\\_support, sleep\\_hours\n"));
    assert!(
        md.contains("- No answer: pq\\_1 (may apply), pq\\_2 (may apply), pq\\_3 (may apply)\n")
    );
    assert!(md.contains("## Placement made\n\nNone recorded.\n"));
    assert!(md.contains("## History\n\nNo events recorded.\n"));
}

#[test]
fn every_example_intake_reports_in_both_formats() {
    let mut n = 0;
    for entry in std::fs::read_dir("examples/intakes").unwrap() {
        let path = entry.unwrap().path();
        let file = path.to_str().unwrap();
        for format in ["markdown", "html"] {
            let r = run(&["report", file, "--format", format]);
            assert_eq!((r.code, r.stderr.as_str()), (0, ""), "{file} {format}");
            assert!(r
                .stdout
                .contains("Decision support: the professional decides."));
        }
        n += 1;
    }
    assert_eq!(n, 11);
}

#[test]
fn a_critical_flag_shows_what_was_done() {
    let r = run(&["--rules", MINI, "report", RECORD, "--format", "html"]);
    assert!(r.stdout.contains(
        "<tr class=\"critical\"><td class=\"sev\">CRITICAL</td><td><b>no_sleep</b>: Under three hours of sleep. Same-day check needed. <b>Action:</b> Book a same-day check with the duty clinician before the client leaves. <b>Taken:</b> seen (by staff-99, 2026-11-30T10:30:00Z); note: Duty clinician booked</td></tr>\n"
    ));
    // An unacknowledged critical flag says so.
    let r = run(&[
        "report",
        "examples/intakes/06-php-depression-critical-flag.yaml",
    ]);
    assert!(r.stdout.contains(
        "> **CRITICAL** (self\\_harm\\_thoughts): Thoughts of death or self-harm reported on PHQ-9 item 9.\n>\n> **Action:** Same-day safety assessment by a clinician.\n>\n> **Taken:** not acknowledged\n"
    ));
}

#[test]
fn the_report_is_written_to_a_private_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("chart.html");
    let o = out.to_str().unwrap();
    let r = run(&["--rules", MINI, "report", RECORD, "-f", "html", "-o", o]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let direct = run(&["--rules", MINI, "report", RECORD, "-f", "html"]);
    assert_eq!(std::fs::read_to_string(&out).unwrap(), direct.stdout);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // /dev/null is written to, never replaced.
    let r = run(&["--rules", MINI, "report", RECORD, "-o", "/dev/null"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(Path::new("/dev/null").exists());
    assert!(!std::fs::metadata("/dev/null").unwrap().is_file());
}

#[test]
fn a_folder_as_output_is_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let r = run(&["report", "no-such-intake.yaml", "-o", d]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        format!("error: cannot write {d}: it is a folder; give the name of a file\n")
    );
}

#[test]
fn an_intake_that_cannot_be_scored_leaves_the_output_as_it_was() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "intake: 1\nanswers:\n  age: [40\n").unwrap();
    let out = dir.path().join("chart.md");
    std::fs::write(&out, "earlier report\n").unwrap();
    let r = run(&[
        "--rules",
        MINI,
        "report",
        bad.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.starts_with(&format!("{}:3:", bad.display())),
        "{}",
        r.stderr
    );
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "earlier report\n");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 2, "a temporary file was left behind");
}

#[test]
fn a_file_of_several_intakes_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let two = dir.path().join("two.yaml");
    std::fs::write(
        &two,
        "intake: 1\nanswers: {age: 30}\n---\nintake: 1\nanswers: {age: 31}\n",
    )
    .unwrap();
    let r = run(&["--rules", MINI, "report", two.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr,
        format!(
            "error: {} holds 2 intakes (a list, or documents separated by ---); `report` reports on one: score the file, or report on each intake from a file of its own\n",
            two.display()
        )
    );
}
