//! The emulator's request-body parser, for every request type it reads. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    descope_emulator::fuzzing::request_body(data);
});
