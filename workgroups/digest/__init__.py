"""The weekly digest of the bodies: per person, the minutes published since the last one,
the coming meetings and their own open action items; and the page to turn it off."""
