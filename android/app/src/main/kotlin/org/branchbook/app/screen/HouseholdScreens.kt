package org.branchbook.app.screen

import android.text.InputType
import org.branchbook.app.presenter.AppScope
import org.branchbook.app.presenter.HouseholdEditPresenter
import org.branchbook.app.presenter.HouseholdEditState
import org.branchbook.app.presenter.HouseholdPresenter
import org.branchbook.app.presenter.HouseholdState
import org.branchbook.app.presenter.HouseholdsPresenter
import org.branchbook.app.presenter.HouseholdsState
import uniffi.branchbook.core.HouseholdEdit
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.core.HouseholdForm

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
    private var membersShown: List<UInt>? = null

    init {
        keep(fields)
    }

    override fun load() = p.load()

    override fun render(state: HouseholdEditState) {
        val form = state.form ?: run {
            show(ui.text(state.error ?: texts[TextKey.COMMON_LOADING]))
            return
        }
        // The text boxes are built when the form arrives and when members are added or
        // removed; in between they keep her cursor.
        val members = form.members.map { it.key }
        if (membersShown != members) {
            membersShown = members
            buildFields(form)
        }
        form.error?.let { show(ui.error(form.errorAbout, it)) }
        show(ui.button(texts[TextKey.ACTION_SAVE], p::save).apply { isEnabled = !state.saving })
    }

    private fun buildFields(form: HouseholdForm) {
        fields.removeAllViews()
        with(ui) {
            fields.add(labelled(texts[TextKey.HOUSEHOLD_VILLAGE], input("", form.village) { p.edit(HouseholdEdit.Village(it)) }))
            fields.add(labelled(texts[TextKey.HOUSEHOLD_HEAD_NAME], input("", form.headName) { p.edit(HouseholdEdit.HeadName(it)) }))
            fields.add(labelled(texts[TextKey.HOUSEHOLD_ADDRESS], input("", form.address) { p.edit(HouseholdEdit.Address(it)) }))
            fields.add(labelled(texts[TextKey.HOUSEHOLD_NOTES], input("", form.notes, InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_MULTI_LINE) { p.edit(HouseholdEdit.Notes(it)) }))
            fields.add(heading(form.membersHeading))
            form.members.forEachIndexed { i, m ->
                val at = i.toUInt()
                val box = column(8)
                box.add(labelled(texts[TextKey.MEMBER_NAME], input("", m.name) { p.edit(HouseholdEdit.MemberName(at, it)) }))
                box.add(labelled(texts[TextKey.MEMBER_SEX], choice(sexOptions(texts), m.sex) { p.edit(HouseholdEdit.MemberSex(at, it)) }))
                box.add(labelled(texts[TextKey.MEMBER_BIRTH_YEAR], input("", m.birthYear, InputType.TYPE_CLASS_NUMBER) { p.edit(HouseholdEdit.MemberBirthYear(at, it)) }))
                box.add(labelled(texts[TextKey.MEMBER_ETHNICITY], choice(ethnicityOptions(texts), m.ethnicity) { p.edit(HouseholdEdit.MemberEthnicity(at, it)) }))
                box.add(labelled(texts[TextKey.MEMBER_RELATION], input("", m.relation) { p.edit(HouseholdEdit.MemberRelation(at, it)) }))
                box.add(button(texts[TextKey.HOUSEHOLD_REMOVE_MEMBER]) { p.edit(HouseholdEdit.RemoveMember(at)) })
                fields.add(box)
            }
            fields.add(button(texts[TextKey.HOUSEHOLD_ADD_MEMBER]) { p.edit(HouseholdEdit.AddMember) })
        }
    }
}
