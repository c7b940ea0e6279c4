"""The application service: every use case, shared by the desktop window and the command line."""
