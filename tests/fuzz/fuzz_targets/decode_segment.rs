//! Arbitrary bytes through decode, segment and render must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use srebook::ingest::{decode, segment, Decoded};

fuzz_target!(|bytes: &[u8]| {
    if let Decoded::Doc(doc) = decode("fuzz.md", bytes) {
        for entry in segment(&doc).entries {
            let _ = srebook::render::render_markdown(&entry.answer_markdown, "a1", &mut Default::default());
        }
    }
});
