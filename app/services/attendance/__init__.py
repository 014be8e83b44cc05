"""What happened: attendance on shifts (`recording`) and the service-hours ledger (`hours`)."""
