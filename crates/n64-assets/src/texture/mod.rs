//! The RDP's texture formats, decoded to RGBA8, and PNG output.
