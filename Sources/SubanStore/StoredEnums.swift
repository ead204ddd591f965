import Postgres
import SubanCore

// The domain's enumerations as the schema stores them: their raw text in `text` columns.
extension TicketStatus: PostgresTextEnum {}
extension AssignmentStatus: PostgresTextEnum {}
extension AssignmentRole: PostgresTextEnum {}
extension AppealType: PostgresTextEnum {}
extension Channel: PostgresTextEnum {}
extension TicketEventKind: PostgresTextEnum {}
extension SLAClock.Kind: PostgresTextEnum {}
extension CitizenNotice.Transport: PostgresTextEnum {}
extension MediaType: PostgresTextEnum {}
extension HotIssue.Kind: PostgresTextEnum {}
extension SupervisionKind: PostgresTextEnum {}
extension Department.Level: PostgresTextEnum {}
