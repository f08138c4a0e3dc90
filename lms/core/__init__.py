"""What every feature shares: model base, errors, i18n, permissions, mail, audit."""
