"""Ideas, categories and tags; later the pipeline, comments and follows."""
