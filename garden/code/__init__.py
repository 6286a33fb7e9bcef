"""The parse stage's reading of code blocks: `#|` options, `>>>` examples, `uses`, expected outputs."""
