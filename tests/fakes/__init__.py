"""Fakes of outside services that tests start for real on 127.0.0.1."""
