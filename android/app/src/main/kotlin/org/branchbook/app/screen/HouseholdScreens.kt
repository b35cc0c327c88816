package org.branchbook.app.screen

import android.text.InputType
import org.branchbook.app.presenter.AppScope
import org.branchbook.app.presenter.HouseholdEditPresenter
import org.branchbook.app.presenter.HouseholdEditState
import org.branchbook.app.presenter.HouseholdField
import org.branchbook.app.presenter.HouseholdPresenter
import org.branchbook.app.presenter.HouseholdState
import org.branchbook.app.presenter.HouseholdsPresenter
import org.branchbook.app.presenter.HouseholdsState
import uniffi.branchbook.core.TextKey

/** The household list with search as she types. */
class HouseholdsScreen(ui: Ui, scope: AppScope) : StateScreen<HouseholdsState, HouseholdsPresenter>(ui, HouseholdsPresenter(scope)) {
    init {
        val texts = scope.texts
        keep(ui.title(texts[TextKey.HOUSEHOLDS_TITLE]))
        keep(ui.input(texts[TextKey.HOUSEHOLDS_SEARCH_HINT], p.state.query) { p.search(it) })
        keep(ui.button(texts[TextKey.HOUSEHOLDS_ADD], p::add))
    }

    override fun load() = p.refresh()

    override fun render(state: HouseholdsState) {
        state.error?.let { show(ui.error(it)) }
        state.empty?.let { show(ui.text(it)) }
        state.rows.forEach { row -> show(ui.row(row) { p.open(row.id) }) }
    }
}

/** One household: members, visits, history. */
class HouseholdScreen(ui: Ui, private val scope: AppScope, householdId: String, private val host: Host) :
    StateScreen<HouseholdState, HouseholdPresenter>(ui, HouseholdPresenter(scope, householdId)) {
    private val texts = scope.texts

    override fun load() = p.refresh()

    override fun render(state: HouseholdState) {
        show(ui.title(state.title))
        if (state.archived) show(ui.text(texts[TextKey.HOUSEHOLD_ARCHIVED], bold = true))
        state.details.forEach { show(ui.text(it)) }
        state.error?.let { show(ui.error(it)) }
        show(ui.button(texts[TextKey.HOUSEHOLD_START_SURVEY], p::startSurvey))
        show(ui.button(texts[TextKey.ACTION_EDIT], p::edit))
        show(ui.heading(state.membersHeading))
        state.members.forEach { show(ui.row(it, null)) }
        show(ui.heading(texts[TextKey.HOUSEHOLD_VISITS]))
        state.noVisits?.let { show(ui.text(it)) }
        state.visits.forEach { visit ->
            show(ui.row(visit.row) {
                if (visit.draft) p.continueVisit(visit.row.id)
                else host.confirm(texts[TextKey.FORM_EDIT_FINALIZED]) { p.editVisit(visit.row.id) }
            })
        }
        show(ui.heading(texts[TextKey.HOUSEHOLD_REVISIONS]))
        state.revisions.forEach { show(ui.text(it, 15f)) }
        val archive = texts[if (state.archived) TextKey.HOUSEHOLD_UNARCHIVE else TextKey.HOUSEHOLD_ARCHIVE]
        show(ui.button(archive) { host.confirm(archive, p::toggleArchived) })
    }
}

/** Adding or editing a household and its members. */
class HouseholdEditScreen(ui: Ui, scope: AppScope, householdId: String?) :
    StateScreen<HouseholdEditState, HouseholdEditPresenter>(ui, HouseholdEditPresenter(scope, householdId), scope.texts[TextKey.HOUSEHOLD_EDIT_TITLE]) {
    private val texts = scope.texts
    private val fields = ui.column(0)
    private var membersShown = -1

    init {
        keep(fields)
    }

    override fun load() = p.load()

    override fun render(state: HouseholdEditState) {
        if (state.loading) {
            show(ui.text(texts[TextKey.COMMON_LOADING]))
            return
        }
        // The text boxes are built when the data arrives and when members are added or
        // removed; in between they keep her cursor.
        if (membersShown != state.members.size) {
            membersShown = state.members.size
            buildFields(state)
        }
        state.error?.let { show(ui.error(where(state), it)) }
        show(ui.button(texts[TextKey.ACTION_SAVE], p::save).apply { isEnabled = !state.saving })
    }

    /** The input an error is about: "Năm sinh (2)" (null when none). */
    private fun where(state: HouseholdEditState): String? {
        val key = when (state.invalid ?: return null) {
            HouseholdField.VILLAGE -> TextKey.HOUSEHOLD_VILLAGE
            HouseholdField.HEAD_NAME -> TextKey.HOUSEHOLD_HEAD_NAME
            HouseholdField.MEMBER_NAME -> TextKey.MEMBER_NAME
            HouseholdField.MEMBER_BIRTH_YEAR -> TextKey.MEMBER_BIRTH_YEAR
            HouseholdField.MEMBER_ETHNICITY -> TextKey.MEMBER_ETHNICITY
        }
        return texts[key] + (state.invalidMember?.let { " (${it + 1})" } ?: "")
    }

    private fun buildFields(state: HouseholdEditState) {
        fields.removeAllViews()
        with(ui) {
            fields.add(labelled(texts[TextKey.HOUSEHOLD_VILLAGE], input("", state.village) { p.village(it) }))
            fields.add(labelled(texts[TextKey.HOUSEHOLD_HEAD_NAME], input("", state.headName) { p.headName(it) }))
            fields.add(labelled(texts[TextKey.HOUSEHOLD_ADDRESS], input("", state.address) { p.address(it) }))
            fields.add(labelled(texts[TextKey.HOUSEHOLD_NOTES], input("", state.notes, InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_MULTI_LINE) { p.notes(it) }))
            fields.add(heading(texts.format(TextKey.HOUSEHOLD_MEMBERS, "count" to state.members.size)))
            state.members.forEachIndexed { i, m ->
                val box = column(8)
                box.add(labelled(texts[TextKey.MEMBER_NAME], input("", m.name) { v -> p.member(i) { copy(name = v) } }))
                box.add(labelled(texts[TextKey.MEMBER_SEX], choice(sexOptions(texts), m.sex) { v -> p.member(i) { copy(sex = v) } }))
                box.add(labelled(texts[TextKey.MEMBER_BIRTH_YEAR], input("", m.birthYear, InputType.TYPE_CLASS_NUMBER) { v -> p.member(i) { copy(birthYear = v) } }))
                box.add(labelled(texts[TextKey.MEMBER_ETHNICITY], choice(ethnicityOptions(texts), m.ethnicity) { v -> p.member(i) { copy(ethnicity = v) } }))
                box.add(labelled(texts[TextKey.MEMBER_RELATION], input("", m.relation) { v -> p.member(i) { copy(relation = v) } }))
                box.add(button(texts[TextKey.HOUSEHOLD_REMOVE_MEMBER]) { p.removeMember(i) })
                fields.add(box)
            }
            fields.add(button(texts[TextKey.HOUSEHOLD_ADD_MEMBER], p::addMember))
        }
    }

}
