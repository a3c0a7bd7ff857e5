"""Release notes: patches, minor and major releases, and the bugs they fix."""
