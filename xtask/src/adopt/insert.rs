//! Adding blocks of text to `openapi.yaml` without touching a byte of what is there: each block
//! goes after the last line of the section (or path item) it belongs to.

/// The text being grown, as lines (each without its `\n`).
pub struct Document {
    lines: Vec<String>,
    trailing_newline: bool,
}

/// The indentation of a line, or `None` for a blank or comment line (which ends no block).
fn indent(line: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    if trimmed.is_empty() || trimmed.starts_with('#') {
        None
    } else {
        Some(line.len() - trimmed.len())
    }
}

impl Document {
    pub fn new(text: &str) -> Self {
        Self {
            lines: text.lines().map(str::to_owned).collect(),
            trailing_newline: text.ends_with('\n'),
        }
    }

    pub fn text(&self) -> String {
        let mut text = self.lines.join("\n");
        if self.trailing_newline {
            text.push('\n');
        }
        text
    }

    /// The line of `key:` at `indent` below the block starting at `parent` (the whole document
    /// for `None`).
    fn find(&self, parent: Option<usize>, key: &str, indent_of: usize) -> Option<usize> {
        let (start, end) = match parent {
            Some(at) => (at + 1, self.block_end(at)),
            None => (0, self.lines.len()),
        };
        let wanted = format!("{}{key}:", " ".repeat(indent_of));
        (start..end).find(|&i| {
            let line = &self.lines[i];
            line == &wanted || line.starts_with(&format!("{wanted} "))
        })
    }

    /// One past the last line of the block that starts at line `at`: the next line indented as
    /// much as it or less (blank and comment lines belong to no block). Trailing blank and
    /// comment lines are left outside, so they stay where they are.
    fn block_end(&self, at: usize) -> usize {
        let own = indent(&self.lines[at]).unwrap_or(0);
        let mut end = self.lines.len();
        for i in at + 1..self.lines.len() {
            if indent(&self.lines[i]).is_some_and(|n| n <= own) {
                end = i;
                break;
            }
        }
        let mut last = end;
        while last > at + 1 && indent(&self.lines[last - 1]).is_none() {
            last -= 1;
        }
        last
    }

    fn insert_at(&mut self, at: usize, block: &str) {
        let new: Vec<String> = block.lines().map(str::to_owned).collect();
        self.lines.splice(at..at, new);
    }

    /// The line of a top-level section (`paths`, `components`, `tags`).
    fn section(&self, key: &str) -> Result<usize, String> {
        self.find(None, key, 0)
            .ok_or_else(|| format!("openapi.yaml has no top-level `{key}:`"))
    }

    /// Adds `method_block` (the method's lines, indented 4) under path `path`: at the end of
    /// its path item when it has one, else as a new path item at the end of `paths`.
    pub fn add_operation(&mut self, path: &str, method_block: &str) -> Result<(), String> {
        let paths = self.section("paths")?;
        match self.find(Some(paths), path, 2) {
            Some(item) => {
                let end = self.block_end(item);
                self.insert_at(end, method_block);
            }
            None => {
                let end = self.block_end(paths);
                self.insert_at(end, &format!("  {path}:\n{method_block}"));
            }
        }
        Ok(())
    }

    /// Adds schema blocks (indented 4) to `components.schemas`: a request schema at the end of
    /// the requests part (before the `# ---- responses` comment, when there is one), a response
    /// schema at the end.
    pub fn add_schema(&mut self, block: &str, response: bool) -> Result<(), String> {
        let schemas = self.schemas()?;
        let end = self.block_end(schemas);
        let marker = (schemas + 1..end)
            .find(|&i| self.lines[i].trim_start().starts_with("# ---- responses"));
        let at = match (response, marker) {
            (false, Some(marker)) => {
                let mut at = marker;
                while at > schemas + 1 && self.lines[at - 1].trim().is_empty() {
                    at -= 1;
                }
                at
            }
            _ => end,
        };
        self.insert_at(at, block);
        Ok(())
    }

    fn schemas(&self) -> Result<usize, String> {
        let components = self.section("components")?;
        self.find(Some(components), "schemas", 2)
            .ok_or_else(|| "openapi.yaml has no `components.schemas`".to_owned())
    }

    /// Adds a security scheme block (indented 4) at the end of `components.securitySchemes`.
    pub fn add_security_scheme(&mut self, block: &str) -> Result<(), String> {
        let components = self.section("components")?;
        let schemes = self
            .find(Some(components), "securitySchemes", 2)
            .ok_or_else(|| "openapi.yaml has no `components.securitySchemes`".to_owned())?;
        let end = self.block_end(schemes);
        self.insert_at(end, block);
        Ok(())
    }

    /// Adds a tag item (`  - name: ...`) at the end of the top-level `tags` list.
    pub fn add_tag(&mut self, block: &str) -> Result<(), String> {
        let tags = self.section("tags")?;
        let end = self.block_end(tags);
        self.insert_at(end, block);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "openapi: 3.0.3\n# comment\ntags:\n  - name: a\n    description: A.\npaths:\n  /x:\n    get:\n      operationId: x\n\n  # a note\ncomponents:\n  securitySchemes:\n    s:\n      type: http\n  schemas:\n    # ---- requests\n    R:\n      type: object\n\n    # ---- responses\n    Q:\n      type: object\n";

    #[test]
    fn blocks_go_at_the_end_of_their_section_and_nothing_else_moves() {
        let mut doc = Document::new(TEXT);
        doc.add_operation("/x", "    post:\n      operationId: y\n")
            .unwrap();
        doc.add_operation("/z", "    get:\n      operationId: z\n")
            .unwrap();
        doc.add_schema("    R2:\n      type: object\n", false)
            .unwrap();
        doc.add_schema("    Q2:\n      type: object\n", true)
            .unwrap();
        doc.add_tag("  - name: b\n    description: B.\n").unwrap();
        doc.add_security_scheme("    t:\n      type: http\n")
            .unwrap();
        let text = doc.text();
        assert_eq!(
            text,
            "openapi: 3.0.3\n# comment\ntags:\n  - name: a\n    description: A.\n  - name: b\n    description: B.\npaths:\n  /x:\n    get:\n      operationId: x\n    post:\n      operationId: y\n  /z:\n    get:\n      operationId: z\n\n  # a note\ncomponents:\n  securitySchemes:\n    s:\n      type: http\n    t:\n      type: http\n  schemas:\n    # ---- requests\n    R:\n      type: object\n    R2:\n      type: object\n\n    # ---- responses\n    Q:\n      type: object\n    Q2:\n      type: object\n"
        );
        // Every original line is still there, in order.
        let mut added = text.lines();
        for line in TEXT.lines() {
            assert!(added.any(|l| l == line), "lost {line:?}");
        }
    }
}
