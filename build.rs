//! Generates the Descope client from `openapi.yaml` into `$OUT_DIR` (see `codegen/generate.rs`).
#![allow(clippy::unwrap_used, clippy::expect_used)] // a build script may stop with a message

#[path = "codegen/generate.rs"]
mod generate;

fn main() {
    println!("cargo:rerun-if-changed=openapi.yaml");
    println!("cargo:rerun-if-changed=codegen/generate.rs");
    let spec = std::fs::read_to_string("openapi.yaml").expect("read openapi.yaml");
    // The wire types derive `JsonSchema` only with the `wire` feature (schemars is optional).
    let schemas = std::env::var_os("CARGO_FEATURE_WIRE").is_some();
    let code = match generate::generate(&spec, schemas) {
        Ok(code) => code,
        Err(why) => {
            // A build-script error, not a panic backtrace: cargo shows this message as is.
            eprintln!("error: {why}");

            std::process::exit(1);
        }
    };
    let out = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR"))
        .join(generate::OUTPUT_FILE);
    if schemas {
        let list = match generate::schema_list(&code) {
            Ok(list) => list,
            Err(why) => {
                eprintln!("error: {why}");
                std::process::exit(1);
            }
        };
        let path = std::path::Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR"))
            .join(generate::SCHEMAS_FILE);
        std::fs::write(path, list).expect("write the schema list");
    }
    std::fs::write(&out, code).expect("write the generated client");
}
