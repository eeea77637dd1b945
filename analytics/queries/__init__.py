"""One module per analytics question: parameters, SQL with bound parameters, `run`."""
