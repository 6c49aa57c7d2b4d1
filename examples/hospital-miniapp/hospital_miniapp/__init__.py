"""A maternity hospital's mini-app for OneThing (一件事): an example third-party client."""
