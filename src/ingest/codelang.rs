//! Guessing the language of an untagged code block from its content.
//!
//! Each language has a handful of weighted, line-anchored signals; the best
//! score wins if it is convincing, else the block is plain text (ASCII
//! diagrams, prose-like blocks, logs). Only the head of a block is examined,
//! so huge blocks cost no more than a page of code, and shell here-document
//! bodies are skipped as data. Two cheap parses settle what signals cannot: a
//! block that parses as JSON is JSON, and an INI-like config is TOML when it
//! parses as TOML and is written `key = value`.

use std::sync::LazyLock;

use regex::bytes::{Regex as ByteRegex, RegexBuilder};
use regex::Regex;

/// How much of a block is examined: the first lines, and at most this many bytes.
const MAX_LINES: usize = 200;
const MAX_BYTES: usize = 20_000;

struct Signal {
    /// ASCII-only (`\w`, `\s`, `\b` without Unicode): code keywords are
    /// ASCII, and the Unicode classes would make the 128 patterns cost
    /// tens of milliseconds to compile, the largest start-up cost of a build.
    pattern: ByteRegex,
    weight: i32,
}

struct Language {
    name: &'static str,
    signals: Vec<Signal>,
}

/// (language, pattern, weight), one signal a row; a language's rows are
/// consecutive. Patterns are multi-line (`^` and `$` match at each line), and
/// `<args>` stands for what may follow a shell command: a flag, an argument
/// or nothing (so `top - 10:41:07 up 41 days` is `top` output, not a command).
#[rustfmt::skip]
const SIGNALS: &[(&str, &str, i32)] = &[
    ("dockerfile", r"^FROM\s+\S*[:/@]\S*(\s+(AS|as)\s+\w+)?\s*$", 6),
    ("dockerfile", r"^FROM\s+[\w.-]+(\s+(AS|as)\s+\w+)?\s*$", 2),
    ("dockerfile", r"^(RUN|COPY|ADD|WORKDIR|EXPOSE|ENTRYPOINT|CMD|ENV|ARG|USER)\s", 3),
    ("dockerfile", r"^(HEALTHCHECK|LABEL|VOLUME|STOPSIGNAL|SHELL|ONBUILD)\s", 3),
    ("hcl", r#"^\s*(resource|provider|variable|module|output|data|terraform|locals)\s+("[^"]*"\s*)*\{"#, 6),
    ("hcl", r#"^\s*(backend|required_providers|dynamic|lifecycle)\s+("[^"]*"\s*)*\{"#, 6),
    ("hcl", r"=\s*(var|local|module|data)\.[a-z_]", 3),
    ("hcl", r"\$\{(var|local|module|data)\.", 3),
    ("hcl", r"=\s*(aws|google|azurerm|kubernetes|helm|random|null)_\w+\.\w+", 3),
    ("hcl", r#"^\s*[a-z_][a-z0-9_]*\s*=\s*"[^"]*"\s*$"#, 1),
    ("hcl", r"^\s*[a-z_][a-z0-9_]*\s*(=\s*)?\{\s*$", 1),
    ("yaml", r"^\s*(apiVersion|kind|metadata|spec|containers|image|replicas|labels|annotations):(\s|$)", 3),
    ("yaml", r"^\s*(groups|rules|expr|steps|jobs|on|runs-on|uses|with|env|stages|script):(\s|$)", 3),
    ("yaml", r"^\s*(services|hosts|tasks|name|vars|handlers|become):(\s|$)", 3),
    // Keys are lower case or ALL_CAPS and values are short: "Impact: we
    // paged less" and "node-a: kubelet stopped posting status" are prose.
    ("yaml", r"^\s*-\s+([a-z_][\w.-]*|[A-Z][A-Z0-9_]+):(\s|$)", 2),
    ("yaml", r"^\s*([a-z_][\w.-]*|[A-Z][A-Z0-9_]+):\s+\S+(\s+\S+)?\s*$", 1),
    ("yaml", r"^\s*([a-z_][\w.-]*|[A-Z][A-Z0-9_]+):\s*$", 1),
    ("yaml", r"\bAWS::\w+::\w+|!(Ref|Sub|GetAtt)\s", 3),
    ("yaml", r"^\s*[\w.-]+:\s*[|>][-+]?\s*$", 2),
    ("yaml", r"^\s*-\s+[\w./:@\x22'-]+\s*$", 1),
    ("yaml", r"^---\s*$", 2),
    ("json", r#"^\s*[\{\[]\s*$"#, 2),
    ("json", r#"^\s*"[^"]+"\s*:\s*"#, 3),
    ("json", r#"[\{\[,]\s*"[^"\n]+"\s*:\s*["\d\[\{tfn]"#, 2),
    ("json", r#"^\s*[\}\]],?\s*$"#, 1),
    ("python", r"^\s*(async\s+)?(def|class)\s+\w+.*:\s*$", 5),
    ("python", r"^\s*(import\s+\w[\w.]*(\s+as\s+\w+)?(\s*,\s*\w[\w.]*)*\s*$|from\s+\.*\w[\w.]*\s+import\s)", 4),
    ("python", r"^\s*(async\s+)?(if|elif|for|while|with|try|except|else|finally)\b.*:\s*$", 2),
    ("python", r"\bself\.\w+", 2),
    ("python", r"^\s*print\(", 2),
    ("python", r"^\s*(return|raise|yield|assert|pass)\b", 1),
    ("python", r"^\s*\w+\s*=\s*\{\s*$", 2),
    ("python", r"^\s*'[^']+'\s*:\s*", 2),
    ("python", r#"^\s*["'][^"']+["']\s*:\s*.+,\s*$"#, 1),
    ("python", r"\b(None|True|False)\b", 1),
    ("python", r#"\bf["'][^"'\n]*\{"#, 2),
    ("python", r"[\[(\{][^\n]*\bfor\s+\w+(\s*,\s*\w+)*\s+in\s", 3),
    ("python", r"\.(append|items|strip|startswith|endswith|most_common)\(", 2),
    ("python", r"^\s*@[a-z_][\w.]*", 2),
    ("python", r"^\s*\w+(\s*,\s*\w+)*\s*=\s*[\w.]+\(", 1),
    ("python", r"\w\([^()\n]*\b[a-z_]\w*=[^=\s]|^\s+[a-z_]\w*=[^=\s].*,\s*$|\.[a-z]+_[a-z_]+\(", 2),
    ("go", r"^package\s+\w+", 6),
    ("go", r"^\s*func\s+(\([^)]*\)\s*)?\w+\s*\(", 5),
    ("go", r":=", 2),
    ("go", r#"^import\s+(\(|"|\w+\s+")"#, 4),
    ("go", r"\b[a-z]\w*\.[A-Z]\w*[({]", 2),
    ("go", r"\b(\[\]|map\[\w+\])\*?[\w.]+\{", 3),
    ("go", r"\berr\s*!=\s*nil\b", 5),
    ("go", r"^\s*type\s+\w+\s+(struct|interface|func|\[?\]?\w+)\b", 6),
    ("go", r#"`(json|yaml|toml|db|xml|mapstructure|env):""#, 4),
    ("go", r"\bgo\s+func\b|\bchan\b|\bdefer\s|\bcase\s+<-", 4),
    ("go", r"\bfor\s+.*\brange\b|\bmake\((map|chan|\[\])", 3),
    ("java", r"^\s*((public|private|protected|static|final|abstract|synchronized)\s+)+[\w<>\[\], ?]+\s+\w+\s*\(", 5),
    ("java", r"^\s*(public|private|protected)\s+[A-Z]\w*\s*\(", 4),
    ("java", r"^\s*(public|private|protected)\s+[^(=]*(=.*)?;\s*$", 2),
    ("java", r"^\s*public\s+((abstract|final|static)\s+)*(class|interface|enum|record)\s+\w+", 6),
    ("java", r"^\s*@[A-Z]\w+(\(|\s*$)", 3),
    ("java", r"System\.(out|err)\.print", 5),
    ("java", r"^import\s+(static\s+)?[a-z]\w*(\.\w+)+(\.\*)?;", 6),
    ("java", r"\bnew\s+\w+<.*>\(", 3),
    ("java", r"^\s*(final\s+)?[A-Z]\w*(<[\w<>, ?]*>)?\s+[a-z]\w*\s*=\s*new\s+[A-Z]", 5),
    ("java", r"^\s*([a-z]+\s+)*[A-Z]\w*(<[\w<>, ?]*>)?\s+[a-z]\w*\s*=\s*[A-Za-z][\w.]*\(", 4),
    ("java", r"\b[A-Z]\w*\.class\b", 3),
    ("java", r"^\s*\.[a-z]\w*\(", 1),
    ("java", r"catch\s*\(\s*[A-Z]\w*(\s*\|\s*[A-Z]\w*)*\s+\w+\s*\)", 4),
    ("java", r"^\s*try\s*\(\s*[A-Z]\w*(<[\w<>, ?]*>)?\s+[a-z]\w*\s*=", 3),
    ("javascript", r"^\s*(const|let|var)\s+[\w{}\[\], ]+\s*=", 3),
    ("javascript", r"(\)|\w)\s*=>", 2),
    ("javascript", r"\basync\s*\([^)]*\)\s*=>|\basync\s+\w+\s*=>|`[^`\n]*\$\{", 3),
    ("javascript", r"^\s*\}\);?\s*$", 1),
    ("javascript", r"catch\s*\(\s*\w+\s*\)\s*\{|^\s*await\s.*;\s*$", 3),
    ("javascript", r"^\s*(async\s+)?function\b", 4),
    ("javascript", r"console\.(log|error|warn|info)\(", 5),
    ("javascript", r"require\(['\x22]", 4),
    ("javascript", r"module\.exports|\bexports\.\w+\s*=", 5),
    ("javascript", r"^\s*import\s+(.+\s+from\s+)?['\x22]", 5),
    ("javascript", r"^\s*export\s+(default|const|let|function|class|async)\b", 5),
    ("javascript", r"===|!==", 2),
    ("javascript", r"\.then\(|\bnew\s+Promise\(|\bprocess\.(env|on|exit)\b", 3),
    ("sql", r"^\s*(SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|ALTER\s+TABLE|DROP\s+(TABLE|INDEX))\b", 5),
    ("sql", r"^\s*(CREATE\s+(UNIQUE\s+)?(TABLE|INDEX|VIEW|DATABASE|USER|ROLE))\b", 5),
    ("sql", r"^\s*(EXPLAIN|WITH\s+\w+\s+AS|BEGIN|COMMIT|ROLLBACK|GRANT|REVOKE|TRUNCATE|VACUUM|SHOW)\b", 5),
    ("sql", r"^\s*(select\s.+\sfrom\s|insert\s+into\s|update\s+\w+\s+set\s|delete\s+from\s)", 5),
    ("sql", r"^\s*(create\s+(table|index)\s|alter\s+table\s)", 5),
    ("sql", r"\b(FROM|WHERE|GROUP\s+BY|ORDER\s+BY|JOIN|HAVING|LIMIT|VALUES|SET|AND|NOT\s+NULL|PRIMARY\s+KEY)\b", 2),
    ("sql", r"\b(group|order)\s+by\b|\b(inner|left|right)\s+join\b", 2),
    ("sql", r"\bwhere\s+[\w.]+\s*(=|<|>|!=|in\s*\(|is\s+(not\s+)?null|like\s)", 2),
    ("promql", r"\b(rate|irate|increase|delta|deriv|sum|avg|count|max|min)(\s*(by|without)\s*\([^)]*\)\s*)?\(", 3),
    ("promql", r"\b(stddev|topk|bottomk|quantile|histogram_quantile|predict_linear|absent|\w+_over_time)\(", 3),
    ("promql", r"\b(label_replace|clamp_min|clamp_max)\(", 3),
    ("promql", r"\b(by|without)\s*\([\w\s,]*\)|\b(on|ignoring|group_left|group_right)\([\w\s,]*\)", 3),
    ("promql", r"\w+\{[a-z_]+\s*(=|!=|=~|!~)\s*\x22", 4),
    ("promql", r"\[\d+[smhdwy](:\d*[smhdwy]?)?\]", 4),
    ("promql", r"\boffset\s+\d+[smhdwy]\b", 3),
    ("bash", r"^#!/(usr/)?bin/(env\s+)?(ba|z)?sh", 8),
    ("bash", r"^\s*\$\s+\w+", 3),
    ("bash", r"^\s*(sudo|kubectl|docker|helm|terraform|aws|gcloud|az|curl|wget|ssh|scp|rsync|git)<args>", 3),
    ("bash", r"^\s*(make|go|grep|awk|sed|cat|echo|printf|cd|ls|find|xargs|tail|head|jq|tar|ln)<args>", 3),
    ("bash", r"^\s*(touch|chmod|chown|mkdir|rm|cp|mv|systemctl|journalctl|apt-get|apt|yum|dnf|ps)<args>", 3),
    ("bash", r"^\s*(top|df|du|free|kill|pkill|uptime|dmesg|sysctl|ulimit|nohup|netstat|ss|tcpdump)<args>", 3),
    ("bash", r"^\s*(strace|lsof|iostat|vmstat|sar|perf|dig|nslookup|ping|traceroute|mtr|nc|openssl)<args>", 3),
    ("bash", r"^\s*(iptables|ansible|ansible-playbook|npm|pip|pip3|python3?|watch|crictl|etcdctl)<args>", 3),
    ("bash", r"^\s*(vault|consul|istioctl|kubectx|stern|source|read|sleep|exit|set|trap)<args>", 3),
    ("bash", r"^\s*(if|for|while|until)\s.*;\s*(then|do)\s*$", 4),
    ("bash", r"^\s*(fi|done|esac|then|do)\s*$", 4),
    ("bash", r"\$\{?\w+\}?", 1),
    ("bash", r"\$\(", 2),
    ("bash", r"\|\s*(grep|awk|sed|sort|uniq|wc|head|tail|xargs|jq|tee|cut|tr|column|less)\b", 3),
    ("bash", r"^\s*export\s+[A-Za-z_]\w*=", 3),
    ("bash", r"^\s*(local\s+)?[A-Za-z_]\w*=[\x22']?\$", 3),
    ("bash", r"<<-?\s*['\x22]?[A-Z][A-Z0-9_]+", 5),
    ("bash", r"^\s*[\w-]+\(\)\s*\{", 4),
    ("bash", r"2>&1|[12]?>\s*/dev/null|\bset\s+-[euxo]", 3),
    ("bash", r"\s--[a-z][\w-]+", 1),
    ("toml", r#"^\s*\[[\w.\-"]+\]\s*$"#, 3),
    ("toml", r"^\s*\[\[[\w.\-]+\]\]\s*$", 5),
    ("toml", r#"^\s*[\w\-"]+\s*=\s*("|\[|\{|true\s*$|false\s*$)"#, 2),
    ("toml", r"^\s*[\w\-]+\s*=\s*\d", 1),
    ("ini", r"^\s*\[[\w .:\-/]+\]\s*$", 3),
    ("ini", r#"^\s*[\w.\-]+\s*=\s*[^\s"'\[{](.*[^,\s])?\s*$"#, 2),
    ("ini", r"^\s*;", 1),
    ("markdown", r"^#{1,6}\s+\S", 2),
    ("markdown", r"^\s*[-*]\s+\[[ xX]\]\s", 3),
    ("markdown", r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$", 6),
    ("markdown", r"^\s*\|.*\|\s*$", 2),
    ("markdown", r"\[[^\]\n]+\]\([^)\s]+\)", 3),
    ("markdown", r"\*\*[^*\n]+\*\*", 1),
    ("markdown", r"`[^`\n]+`", 1),
];

const SHELL_ARGS: &str = r#"(\s+(-{1,2}\w|[+./~$"'\w{@%=])|\s*$)"#;

static LANGUAGES: LazyLock<Vec<Language>> = LazyLock::new(|| {
    // Compiling them is most of segment's start-up, and segment's workers
    // wait on this lock meanwhile: half are compiled on a second thread. Not
    // on rayon, whose workers are the ones waiting.
    let compile = |signals: &[(&str, &str, i32)]| -> Vec<ByteRegex> {
        signals
            .iter()
            .map(|&(_, pattern, _)| {
                RegexBuilder::new(&format!("(?m){}", pattern.replace("<args>", SHELL_ARGS)))
                    .unicode(false)
                    .build()
                    .unwrap()
            })
            .collect()
    };
    let (first, second) = SIGNALS.split_at(SIGNALS.len() / 2);
    let patterns = std::thread::scope(|scope| {
        let second = scope.spawn(|| compile(second));
        let mut patterns = compile(first);
        patterns.extend(second.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic)));
        patterns
    });
    let mut languages: Vec<Language> = Vec::new();
    for (&(name, _, weight), pattern) in SIGNALS.iter().zip(patterns) {
        if languages.last().is_none_or(|l| l.name != name) {
            languages.push(Language { name, signals: Vec::new() });
        }
        languages.last_mut().unwrap().signals.push(Signal { pattern, weight });
    }
    languages
});

/// Compiles every pattern now rather than on first use.
pub(super) fn compile_patterns() {
    for patterns in [&BOX_EDGE, &ARROW, &HEREDOC] {
        LazyLock::force(patterns);
    }
    LazyLock::force(&LANGUAGES);
}

static BOX_EDGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\+[-=]{2,}|[-=]{2,}\+").unwrap());
static ARROW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)-+>|<-+|\s[v^][ \t]*$").unwrap());
static HEREDOC: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"<<-?\s*['"]?([A-Z][A-Z0-9_]+)['"]?(\s|$|[|;>)])"#).unwrap());

/// The first `MAX_LINES` lines and at most `MAX_BYTES` bytes of a block, and
/// whether anything but whitespace was cut off.
fn head(code: &str) -> (&str, bool) {
    let mut end = code.len().min(MAX_BYTES);
    while !code.is_char_boundary(end) {
        end -= 1;
    }
    let mut cut = &code[..end];
    if let Some((i, _)) = cut.match_indices('\n').nth(MAX_LINES - 1) {
        cut = &cut[..i];
    }
    (cut, !code[cut.len()..].trim().is_empty())
}

/// Box-drawing characters, or ASCII boxes and arrows: the signature of a diagram.
fn is_diagram(code: &str) -> bool {
    let drawing =
        code.chars().filter(|c| matches!(*c as u32, 0x2190..=0x21FF | 0x2500..=0x259F | 0x25B2..=0x25BC)).count();
    if drawing >= 3 {
        return true;
    }
    let art = BOX_EDGE.find_iter(code).count() >= 2 || ARROW.find_iter(code).count() >= 3;
    art && !code.contains(';') && !code.contains('{')
}

/// The block without the bodies of shell here-documents, which are data
/// (often YAML) fed to a command rather than the block's own language.
fn without_heredocs(code: &str) -> String {
    let mut kept = String::with_capacity(code.len());
    let mut terminator: Option<String> = None;
    for line in code.lines() {
        if let Some(tag) = &terminator {
            if line.trim() == tag {
                terminator = None;
            }
            continue;
        }
        if let Some(caps) = HEREDOC.captures(line) {
            terminator = Some(caps[1].to_string());
        }
        kept.push_str(line);
        kept.push('\n');
    }
    kept
}

fn looks_like_json(code: &str) -> bool {
    let t = code.trim();
    let wrapped = (t.starts_with('{') && t.ends_with('}')) || (t.starts_with('[') && t.ends_with(']'));
    wrapped && serde_json::from_str::<serde::de::IgnoredAny>(t).is_ok()
}

/// INI and TOML share their shape. TOML parses as TOML and is written
/// `key = value`; `Key=value` files (systemd units, supervisord) are INI.
fn is_toml(code: &str) -> bool {
    let (mut tight, mut spaced) = (0, 0);
    for line in code.lines().map(str::trim_start).filter(|l| !l.starts_with(['#', ';', '['])) {
        if let Some((key, _)) = line.split_once('=') {
            if key.ends_with([' ', '\t']) {
                spaced += 1;
            } else if !key.is_empty() {
                tight += 1;
            }
        }
    }
    spaced >= tight && code.parse::<toml::Table>().is_ok()
}

/// The language of a code block, or `text` when nothing fits well.
///
/// Answers are remembered by the block's content, for this process and,
/// for `srebook build`, between builds (see `language_memo.rs`): most blocks
/// are the same from one build to the next, and a build that knows them all
/// never compiles the patterns.
pub fn detect_language(code: &str) -> &'static str {
    if let Some(language) = super::language_memo::get(code) {
        return language;
    }
    let language = detect_uncached(code);
    super::language_memo::put(code, language);
    language
}

/// The name [`detect_language`] uses for `name`, if it is one of its answers.
pub(super) fn known_language(name: &str) -> Option<&'static str> {
    ["text", "json"].into_iter().chain(SIGNALS.iter().map(|s| s.0)).find(|known| *known == name)
}

fn detect_uncached(code: &str) -> &'static str {
    let (code, truncated) = head(code);
    if code.trim().is_empty() {
        return "text";
    }
    if !truncated && looks_like_json(code) {
        return "json";
    }
    if is_diagram(code) {
        return "text";
    }
    let scored = without_heredocs(code);
    // Lines of pure punctuation (closing braces) are neither evidence nor prose.
    let lines = scored.lines().filter(|l| l.chars().any(char::is_alphanumeric)).count().max(1);
    let mut scores: Vec<(&'static str, i32)> = LANGUAGES
        .iter()
        .map(|language| {
            let score = language
                .signals
                .iter()
                .map(|s| s.weight * s.pattern.find_iter(scored.as_bytes()).count().min(lines) as i32)
                .sum();
            (language.name, score)
        })
        .collect();
    // A JSON document opens with its object or array, never with a name.
    if !code.trim_start().starts_with(['{', '[']) {
        scores.iter_mut().filter(|s| s.0 == "json").for_each(|s| s.1 = 0);
    }
    let mut best = pick(&scores);
    if !truncated && matches!(best.0, "toml" | "ini") {
        let loser = if is_toml(code) { "ini" } else { "toml" };
        scores.iter_mut().filter(|s| s.0 == loser).for_each(|s| s.1 = 0);
        best = pick(&scores);
    }
    // Demand evidence in proportion to the block's size, so a few stray
    // colons in prose do not make it YAML.
    if best.1 >= 3 && best.1 * 2 >= lines as i32 {
        best.0
    } else {
        "text"
    }
}

/// The highest score, the earlier language winning ties.
fn pick(scores: &[(&'static str, i32)]) -> (&'static str, i32) {
    scores.iter().fold(("text", 0), |best, s| if s.1 > best.1 { *s } else { best })
}

#[cfg(test)]
mod tests {
    use super::detect_language;

    #[test]
    fn common_languages() {
        let cases = [
            ("apiVersion: apps/v1\nkind: Deployment\nspec:\n  replicas: 3\n", "yaml"),
            ("{\n  \"name\": \"api\",\n  \"port\": 8080\n}\n", "json"),
            ("def handler(event):\n    return event['id']\n", "python"),
            ("#!/bin/bash\nset -euo pipefail\necho done\n", "bash"),
            ("kubectl get pods -n prod | grep CrashLoop\n", "bash"),
            ("package main\n\nfunc main() {\n\tfmt.Println(\"hi\")\n}\n", "go"),
            ("resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"my-logs\"\n}\n", "hcl"),
            ("FROM alpine:3.20\nRUN apk add curl\nCMD [\"sh\"]\n", "dockerfile"),
            ("SELECT id, name FROM users WHERE active = 1;\n", "sql"),
            ("sum(rate(http_requests_total{status=~\"5..\"}[5m])) by (service)\n", "promql"),
            ("┌─────┐\n│ LB  │\n└──┬──┘\n   ↓\n", "text"),
            ("This is just a sentence that someone fenced.\n", "text"),
        ];
        for (code, expected) in cases {
            assert_eq!(detect_language(code), expected, "{code}");
        }
    }

    #[test]
    fn english_prose_is_text() {
        let paragraph = "If the error budget is exhausted, we freeze risky deploys for the rest of the window.\n\
            Select the noisy alerts from the dashboard, then update the runbook where the steps are unclear.\n\
            Note: the on-call engineer owns the decision, and for anything customer facing we page the IC.\n";
        assert_eq!(detect_language(paragraph), "text");
    }

    #[test]
    fn huge_single_line_is_fast() {
        let line = "kubectl get pods | grep x; ".repeat(2_000_000 / 27);
        let start = std::time::Instant::now();
        detect_language(&line);
        detect_language(&"a{".repeat(1_000_000));
        assert!(start.elapsed() < std::time::Duration::from_secs(2), "took {:?}", start.elapsed());
    }
}
