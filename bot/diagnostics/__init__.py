"""The diagnostic core: Qboxmail's troubleshooting checklists as data, run into a Report. Pure."""
