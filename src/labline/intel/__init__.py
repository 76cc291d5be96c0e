"""Document intelligence: ingest policy and news documents, search them in Chinese and
English, read each as a cited digest, export briefings, watch for new ones."""
