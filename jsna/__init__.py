"""jsna: the Joint Strategic Needs Assessment for children and young people 0-25 with SEND."""

__version__ = "0.1.0"
