"""qbx: tells a support engineer why an email sent or hosted through Qboxmail did not arrive."""

__version__ = "0.1.0"
