package org.branchbook.app.presenter

import uniffi.branchbook.core.BranchbookException
import uniffi.branchbook.core.Household
import uniffi.branchbook.core.HouseholdInput
import uniffi.branchbook.core.InputField
import uniffi.branchbook.core.MemberInput
import uniffi.branchbook.core.Sex
import uniffi.branchbook.core.TextKey

/** A household member as the edit form holds her while she types. */
data class MemberDraft(
    /** Her id once recorded; null for someone added now. */
    val id: String? = null,
    /** Full name. */
    val name: String = "",
    /** Sex. */
    val sex: Sex = Sex.FEMALE,
    /** Birth year as typed (digits), empty when not known. */
    val birthYear: String = "",
    /** Ethnic group key, null when not recorded. */
    val ethnicity: String? = null,
    /** Relationship to the head, in her words. */
    val relation: String = "",
)

/** The inputs of the household form that an error can point at. */
enum class HouseholdField { VILLAGE, HEAD_NAME, MEMBER_NAME, MEMBER_BIRTH_YEAR, MEMBER_ETHNICITY }

/** What the household form shows. */
data class HouseholdEditState(
    /** True until an existing household is read. */
    val loading: Boolean = false,
    /** Village (required). */
    val village: String = "",
    /** Address or how to find the house. */
    val address: String = "",
    /** Name of the household head (required). */
    val headName: String = "",
    /** Free notes. */
    val notes: String = "",
    /** The people living there. */
    val members: List<MemberDraft> = emptyList(),
    /** The input the error is about, to mark it. */
    val invalid: HouseholdField? = null,
    /** Which member [invalid] is about, when it is a member's input. */
    val invalidMember: Int? = null,
    /** What went wrong, to show above the Save button. */
    val error: String? = null,
    /** True while saving. */
    val saving: Boolean = false,
)

/**
 * Adding or editing a household with its members. Saving makes a new revision in the
 * core (queued for sending) and opens the household; the core checks the required
 * names, birth years and ethnic groups and says which input is wrong.
 */
class HouseholdEditPresenter(private val scope: AppScope, private val householdId: String?) :
    Presenter<HouseholdEditState>(HouseholdEditState(loading = householdId != null)) {
    private var baseRevision: UInt = 0u

    /** Reads the household being edited (nothing to read for a new one). */
    fun load() {
        val id = householdId ?: return
        val texts = scope.texts
        scope.worker.run({ scope.core.household(id) }) { result ->
            state = result.fold(::fromHousehold) { HouseholdEditState(error = texts.error(it)) }
        }
    }

    /** She typed in the village box. */
    fun village(text: String) = edit { copy(village = text) }

    /** She typed the address. */
    fun address(text: String) = edit { copy(address = text) }

    /** She typed the head's name. */
    fun headName(text: String) = edit { copy(headName = text) }

    /** She typed notes. */
    fun notes(text: String) = edit { copy(notes = text) }

    /** Adds an empty member at the end. */
    fun addMember() = edit { copy(members = members + MemberDraft()) }

    /** Removes member [index]. */
    fun removeMember(index: Int) = edit { copy(members = members.filterIndexed { i, _ -> i != index }) }

    /** Changes member [index]. */
    fun member(index: Int, change: MemberDraft.() -> MemberDraft) =
        edit { copy(members = members.mapIndexed { i, m -> if (i == index) m.change() else m }) }

    /** Saves, then shows the household (replacing this form). */
    fun save() {
        val texts = scope.texts
        val input = input() ?: return
        state = state.copy(saving = true, error = null, invalid = null, invalidMember = null)
        scope.worker.run({
            if (householdId == null) scope.core.createHousehold(input)
            else scope.core.editHousehold(householdId, baseRevision, input)
        }) { result ->
            result.onSuccess { scope.navigator.replace(Route.Household(it.uuid)) }
                .onFailure { failure ->
                    val invalid = failure as? BranchbookException.InvalidInput
                    state = state.copy(
                        saving = false,
                        error = texts.error(failure),
                        invalid = invalid?.let { fieldOf(it.field, it.member != null) },
                        invalidMember = invalid?.member?.toInt(),
                    )
                }
        }
    }

    private fun edit(change: HouseholdEditState.() -> HouseholdEditState) {
        state = state.change().copy(error = null, invalid = null, invalidMember = null)
    }

    /** The input to save, or null (with the error shown) when a birth year is not a number. */
    private fun input(): HouseholdInput? {
        val s = state
        val members = s.members.mapIndexed { i, m ->
            val year = m.birthYear.trim()
            val birthYear = if (year.isEmpty()) null else year.toIntOrNull() ?: run {
                state = s.copy(
                    invalid = HouseholdField.MEMBER_BIRTH_YEAR,
                    invalidMember = i,
                    error = scope.texts[TextKey.ERROR_INVALID_INPUT],
                )
                return null
            }
            MemberInput(id = m.id, name = m.name, sex = m.sex, birthYear = birthYear, ethnicity = m.ethnicity, relation = m.relation)
        }
        return HouseholdInput(village = s.village, address = s.address, headName = s.headName, members = members, notes = s.notes)
    }

    private fun fromHousehold(h: Household): HouseholdEditState {
        baseRevision = h.revision
        val b = h.body
        return HouseholdEditState(
            village = b.village,
            address = b.address,
            headName = b.headName,
            notes = b.notes,
            members = b.members.map {
                MemberDraft(it.id, it.name, it.sex, it.birthYear?.toString() ?: "", it.ethnicity, it.relation)
            },
        )
    }

    private companion object {
        /** The box of the core's refused [field]; [ofMember] when the core named a member. */
        fun fieldOf(field: InputField, ofMember: Boolean): HouseholdField? = when (field) {
            is InputField.Village -> HouseholdField.VILLAGE
            is InputField.HeadName -> HouseholdField.HEAD_NAME
            is InputField.Name -> HouseholdField.MEMBER_NAME.takeIf { ofMember }
            is InputField.BirthYear -> HouseholdField.MEMBER_BIRTH_YEAR.takeIf { ofMember }
            is InputField.Ethnicity -> HouseholdField.MEMBER_ETHNICITY.takeIf { ofMember }
            else -> null
        }
    }
}
