/// Where a tap leads: the entries of the app's navigation stack.
public enum Route: Hashable {
    case enroll
    case households
    case household(id: String)
    case householdEdit(id: String?)
    case forms(householdId: String?)
    case survey(SurveyStart)
    case gatherings
    case gathering(id: String)
    /// A new gathering (no id) or an open one's details.
    case gatheringDetails(id: String?)
    case send
    case settings
}

/// How the survey screen gets its session from the core.
public enum SurveyStart: Hashable {
    /// A new survey with the newest version of a form, for a household or not.
    case new(formId: String, householdId: String?)
    /// A draft, reopened where it was left.
    case resume(submissionId: String)
    /// A new revision of a finished survey.
    case edit(submissionId: String)
}
