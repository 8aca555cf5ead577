//! The emulator's seed-file reader and checks. Never a panic; a seed it takes round-trips
//! through its own export format.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if descope_emulator::fuzzing::seed_file(text) {
        let seed = descope_emulator::SeedFile::from_json(text).expect("it was read once");
        let again = serde_json::to_string(&seed).expect("a seed serializes");
        let reread = descope_emulator::SeedFile::from_json(&again).expect("the export reads back");
        assert_eq!(reread.users.len(), seed.users.len());
    }
});
