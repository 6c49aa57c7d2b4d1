"""OneThing (一件事): one application for a whole life event, handled by every department."""
