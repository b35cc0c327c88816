/// Where a tap leads: the entries of the app's navigation stack. Routes are saved as
/// they change (`AppModel.path`), so a phone that killed the app reopens the survey or
/// gathering she had open; each names its record by id.
public enum Route: Hashable, Codable {
    case enroll
    case households
    case household(id: String)
    case householdEdit(id: String?)
    case forms(householdId: String?)
    /// A survey draft (a new survey is started, or a finished one opened for a change,
    /// before going here).
    case survey(submissionId: String)
    case gatherings
    case gathering(id: String)
    /// A new gathering (no id) or an open one's details.
    case gatheringDetails(id: String?)
    case send
    case settings
}
