package org.branchbook.app.presenter

/**
 * The app's screens, with the record each one shows. A route is written as one line of
 * text ([encode]) so the open screens survive the app being killed ([Navigator]).
 */
sealed class Route {
    /** Connect the phone to the Union's server (typed code or QR code). */
    data object Enroll : Route()

    /** Her branch, counts and the three jobs. */
    data object Home : Route()

    /** The household registry with search as she types. */
    data object Households : Route()

    /** One household: members, visits, change history. */
    data class Household(val householdId: String) : Route()

    /** Add a household ([householdId] null) or edit one. */
    data class HouseholdEdit(val householdId: String?) : Route()

    /** Choose the form of a new survey, as a visit to [householdId] when given. */
    data class FormPicker(val householdId: String?) : Route()

    /** Fill survey [submissionId] (a draft). */
    data class Survey(val submissionId: String) : Route()

    /** Open and closed gatherings. */
    data object Gatherings : Route()

    /** Create a gathering. */
    data object GatheringNew : Route()

    /** Change open gathering [gatheringId]'s kind, topic, village, time, facilitator or notes. */
    data class GatheringEdit(val gatheringId: String) : Route()

    /** One gathering: attendance, photos, totals, close. */
    data class Gathering(val gatheringId: String) : Route()

    /** Send what waits, see what the server refused. */
    data object Send : Route()

    /** App and form languages, storage, about. */
    data object Settings : Route()

    /** One line: the screen's name, then its record id when it has one. */
    fun encode(): String = when (this) {
        Enroll -> "enroll"
        Home -> "home"
        Households -> "households"
        is Household -> "household $householdId"
        is HouseholdEdit -> "household-edit ${householdId ?: ""}".trimEnd()
        is FormPicker -> "form-picker ${householdId ?: ""}".trimEnd()
        is Survey -> "survey $submissionId"
        Gatherings -> "gatherings"
        GatheringNew -> "gathering-new"
        is GatheringEdit -> "gathering-edit $gatheringId"
        is Gathering -> "gathering $gatheringId"
        Send -> "send"
        Settings -> "settings"
    }

    companion object {
        /** The route [encode] wrote; null for a line it did not write. */
        fun decode(line: String): Route? {
            val parts = line.trim().split(' ')
            val id = parts.getOrNull(1)?.takeIf { it.isNotEmpty() }
            if (parts.size > 2) return null
            return when (parts[0]) {
                "enroll" -> Enroll.takeIf { id == null }
                "home" -> Home.takeIf { id == null }
                "households" -> Households.takeIf { id == null }
                "household" -> id?.let(::Household)
                "household-edit" -> HouseholdEdit(id)
                "form-picker" -> FormPicker(id)
                "survey" -> id?.let(::Survey)
                "gatherings" -> Gatherings.takeIf { id == null }
                "gathering-new" -> GatheringNew.takeIf { id == null }
                "gathering-edit" -> id?.let(::GatheringEdit)
                "gathering" -> id?.let(::Gathering)
                "send" -> Send.takeIf { id == null }
                "settings" -> Settings.takeIf { id == null }
                else -> null
            }
        }
    }
}
