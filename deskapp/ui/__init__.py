"""The Qt desktop interface: windows, dialogs and item models over the application service."""
