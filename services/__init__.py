"""The four micromentor services; none imports another."""
