/// Ticket writes and reads. Every method runs on a connection the caller
/// holds, so callers choose the transaction around them. By concern:
/// `TicketStore+Intake` (recording appeals), `+Dispatch` (what dispatch reads and
/// writes), `+Duplicates` (duplicate scopes and the open tickets a report may join).
public enum TicketStore {}
