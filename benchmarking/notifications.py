"""E-mail about a declaration's moves: the enterprise hears of publication and return,
reviewers hear of submission. Sent after the transaction commits (placeholder until built)."""


def notify_declaration_moved(*, declaration_id: int, action: str, comment: str = "") -> None:
    """Send the mails one workflow move calls for. Called through transaction.on_commit."""
