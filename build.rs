//! Embeds the default theme (`templates/*.html` and everything in `static/`)
//! into the binary, so srebook runs from anywhere and a book's own folders
//! only need the files they override.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut out = String::new();
    for (dir, fn_name, only_html) in [("templates", "embedded_templates", true), ("static", "embedded_static", false)] {
        println!("cargo:rerun-if-changed={dir}");
        let mut files = Vec::new();
        collect(&root.join(dir), &root.join(dir), &mut files);
        files.sort();
        writeln!(out, "/// Built-in `{dir}/` files: (relative path, contents).").unwrap();
        writeln!(out, "pub(crate) fn {fn_name}() -> &'static [(&'static str, &'static [u8])] {{ &[").unwrap();
        for rel in files {
            if only_html && !rel.ends_with(".html") {
                continue;
            }
            let abs = root.join(dir).join(&rel);
            writeln!(out, "    ({rel:?}, include_bytes!({:?})),", abs.display().to_string()).unwrap();
        }
        writeln!(out, "] }}").unwrap();
    }
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap()).join("embedded_theme.rs");
    std::fs::write(dest, out).unwrap();

    // What highlighted HTML depends on besides the code: the highlighter's
    // source and the versions of syntect and two-face (in Cargo.lock). A
    // change to either invalidates the highlight cache kept between builds.
    let mut hasher = std::hash::DefaultHasher::new();
    for file in ["src/render/highlight.rs", "src/render/highlight_lines.rs", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={file}");
        std::hash::Hash::hash(&std::fs::read(root.join(file)).unwrap_or_default(), &mut hasher);
    }
    println!("cargo:rustc-env=SREBOOK_HIGHLIGHT_KEY={:016x}", std::hash::Hasher::finish(&hasher));

    // What a detected code language depends on: the detector.
    let mut hasher = std::hash::DefaultHasher::new();
    for file in ["src/ingest/codelang.rs", "Cargo.lock"] {
        println!("cargo:rerun-if-changed={file}");
        std::hash::Hash::hash(&std::fs::read(root.join(file)).unwrap_or_default(), &mut hasher);
    }
    println!("cargo:rustc-env=SREBOOK_LANGUAGE_KEY={:016x}", std::hash::Hasher::finish(&hasher));

    // Everything the program is made of, for what a build keeps from the
    // last one (the search indexes): a changed srebook must not trust them,
    // even before its version number changes.
    let mut sources = Vec::new();
    collect(&root.join("src"), &root.join("src"), &mut sources);
    sources.sort();
    let mut hasher = std::hash::DefaultHasher::new();
    for rel in &sources {
        std::hash::Hash::hash(rel, &mut hasher);
        std::hash::Hash::hash(&std::fs::read(root.join("src").join(rel)).unwrap_or_default(), &mut hasher);
    }
    std::hash::Hash::hash(&std::fs::read(root.join("Cargo.lock")).unwrap_or_default(), &mut hasher);
    println!("cargo:rerun-if-changed=src");
    println!("cargo:rustc-env=SREBOOK_SOURCE_KEY={:016x}", std::hash::Hasher::finish(&hasher));
}

fn collect(base: &Path, dir: &Path, files: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        if path.is_dir() {
            println!("cargo:rerun-if-changed={}", path.display());
            collect(base, &path, files);
        } else {
            let rel = path.strip_prefix(base).unwrap().to_string_lossy().replace('\\', "/");
            files.push(rel);
        }
    }
}
