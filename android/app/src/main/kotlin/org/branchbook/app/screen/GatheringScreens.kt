package org.branchbook.app.screen

import android.app.AlertDialog
import android.graphics.BitmapFactory
import android.text.InputType
import android.view.View
import android.widget.ImageView
import android.widget.LinearLayout
import org.branchbook.app.presenter.AppScope
import org.branchbook.app.presenter.GatheringNewPresenter
import org.branchbook.app.presenter.GatheringNewState
import org.branchbook.app.presenter.GatheringPresenter
import org.branchbook.app.presenter.GatheringState
import org.branchbook.app.presenter.GatheringsPresenter
import org.branchbook.app.presenter.GatheringsState
import org.branchbook.app.presenter.Row
import uniffi.branchbook.ageGroupName
import uniffi.branchbook.ageGroups
import uniffi.branchbook.core.AgeGroup
import uniffi.branchbook.core.GatheringEdit
import uniffi.branchbook.core.GatheringForm
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.core.WalkInEdit
import uniffi.branchbook.core.WalkInForm

/** Open and closed gatherings. */
class GatheringsScreen(ui: Ui, scope: AppScope) : StateScreen<GatheringsState, GatheringsPresenter>(ui, GatheringsPresenter(scope), scope.texts[TextKey.GATHERINGS_TITLE]) {
    private val texts = scope.texts

    init {
        keep(ui.button(texts[TextKey.GATHERING_NEW], p::new))
    }

    override fun load() = p.refresh()

    override fun render(state: GatheringsState) {
        state.error?.let { show(ui.error(it)) }
        state.empty?.let { show(ui.text(it)) }
        if (state.open.isNotEmpty()) show(ui.heading(texts[TextKey.GATHERING_OPEN]))
        state.open.forEach { row -> show(ui.row(row) { p.open(row.id) }) }
        if (state.closed.isNotEmpty()) show(ui.heading(texts[TextKey.GATHERING_CLOSED]))
        state.closed.forEach { row -> show(ui.row(row) { p.open(row.id) }) }
    }
}

/** The new-gathering form. */
class GatheringNewScreen(ui: Ui, scope: AppScope, gatheringId: String?, private val host: Host) :
    StateScreen<GatheringNewState, GatheringNewPresenter>(ui, GatheringNewPresenter(scope, gatheringId = gatheringId)) {
    private val texts = scope.texts
    private var inputsBuilt = false

    init {
        keep(ui.title(if (gatheringId == null) texts[TextKey.GATHERING_NEW] else texts[TextKey.ACTION_EDIT]))
    }

    /** The text boxes, built once the details are known. */
    private fun buildInputs(form: GatheringForm) {
        inputsBuilt = true
        with(ui) {
            keep(labelled(texts[TextKey.GATHERING_KIND], choice(form.kinds.map { it.kind to it.name }, form.kind) { p.edit(GatheringEdit.Kind(it)) }))
            keep(labelled(texts[TextKey.GATHERING_TOPIC], input("", form.topic) { p.edit(GatheringEdit.Topic(it)) }))
            keep(labelled(texts[TextKey.GATHERING_VILLAGE], input("", form.village) { p.edit(GatheringEdit.Village(it)) }))
            keep(labelled(texts[TextKey.GATHERING_FACILITATOR], input("", form.facilitator) { p.edit(GatheringEdit.Facilitator(it)) }))
            keep(labelled(texts[TextKey.GATHERING_NOTES], input("", form.notes, InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_MULTI_LINE) { p.edit(GatheringEdit.Notes(it)) }))
        }
    }

    override fun load() {}

    override fun render(state: GatheringNewState) {
        val form = state.form ?: run {
            show(ui.text(state.error ?: texts[TextKey.COMMON_LOADING]))
            return
        }
        if (!inputsBuilt) buildInputs(form)
        show(ui.heading(texts[TextKey.GATHERING_STARTS_AT]))
        show(ui.text(form.startsAtText, 18f))
        show(ui.button(texts[TextKey.FORM_PICK_DATE]) { host.pickDate(form.picker.year, form.picker.month.toInt(), form.picker.day.toInt(), p::date) })
        show(ui.button(texts[TextKey.FORM_PICK_TIME]) { host.pickTime(form.picker.hour.toInt(), form.picker.minute.toInt(), p::time) })
        form.error?.let { show(ui.error(form.errorAbout, it)) }
        show(ui.button(texts[TextKey.ACTION_SAVE], p::save))
    }
}

/** A gathering's attendance, photos, totals and closing. */
class GatheringScreen(ui: Ui, private val scope: AppScope, gatheringId: String, private val host: Host) :
    StateScreen<GatheringState, GatheringPresenter>(ui, GatheringPresenter(scope, gatheringId)) {
    private val texts = scope.texts
    private val heading = ui.title("")
    private val details = ui.text("", 15f)
    private val status = ui.text("", bold = true)

    // Above the redrawn part, so typing a name keeps the keyboard open.
    private val search = ui.input(texts[TextKey.GATHERING_SEARCH_ROSTER], "") { p.search(it) }
    private var dialog: AlertDialog? = null

    // The walk-in dialog's error line (what to fix before she is added).
    private val walkInError = ui.error("")
    private val walkInHint = ui.text("", 14f)

    init {
        listOf(heading, details, status, search).forEach { keep(it) }
        search.visibility = View.GONE
    }

    override fun load() = p.refresh()

    override fun stop() {
        dialog?.dismiss()
        super.stop()
    }

    override fun render(state: GatheringState) {
        val screen = state.screen ?: run {
            show(ui.text(texts[TextKey.COMMON_LOADING]))
            return
        }
        heading.text = screen.heading.title
        details.text = screen.heading.details.joinToString("\n")
        status.text = screen.heading.status
        search.visibility = if (screen.canChange) View.VISIBLE else View.GONE
        state.message?.let {
            host.toast(it)
            p.messageShown()
        }
        screen.candidates.forEach { c ->
            show(ui.row(Row(c.row.id, c.row.title, c.row.detail + " · " + c.action)) { if (!c.checkedIn) p.checkIn(c.row.id) })
        }
        if (screen.canChange) {
            show(ui.button(texts[TextKey.GATHERING_WALK_IN], p::openWalkIn))
            show(ui.button(texts[TextKey.ACTION_EDIT], p::editDetails))
        }
        val totals = screen.totals
        show(ui.heading(texts[TextKey.GATHERING_TOTALS]))
        (listOf(totals.total) + totals.bySex).forEach { show(ui.text(it, 18f, bold = true)) }
        if (totals.byEthnicity.isNotEmpty()) show(ui.text(texts[TextKey.GATHERING_BY_ETHNICITY], bold = true))
        totals.byEthnicity.forEach { show(ui.text(it)) }
        if (totals.byAgeGroup.isNotEmpty()) show(ui.text(texts[TextKey.GATHERING_BY_AGE_GROUP], bold = true))
        totals.byAgeGroup.forEach { show(ui.text(it)) }
        show(ui.heading(screen.attendeesHeading))
        screen.noAttendees?.let { show(ui.text(it)) }
        screen.attendees.forEach { a ->
            val choices = listOfNotNull(
                if (a.canRemove) texts[TextKey.GATHERING_REMOVE_ATTENDEE] to { p.remove(a.row.id) } else null,
                if (a.canMakeMember) texts[TextKey.WALK_IN_MAKE_MEMBER] to { p.makeMember(a.row.id) } else null,
            )
            show(ui.row(a.row) {
                if (choices.isEmpty()) return@row
                AlertDialog.Builder(ui.context).setTitle(a.row.title)
                    .setItems(choices.map { it.first }.toTypedArray()) { _, which -> choices[which].second() }
                    .show()
            })
        }
        show(ui.heading(screen.photosHeading))
        val strip = LinearLayout(ui.context)
        screen.photos.forEach { photo ->
            val image = ImageView(ui.context).apply { minimumHeight = ui.dp(96); minimumWidth = ui.dp(96) }
            strip.addView(image, LinearLayout.LayoutParams(ui.dp(96), ui.dp(96)))
            p.thumbnail(photo.sha256) { jpeg -> jpeg?.let { image.setImageBitmap(BitmapFactory.decodeByteArray(it, 0, it.size)) } }
            if (photo.canRemove) image.setOnClickListener { host.confirm(texts[TextKey.ACTION_DELETE] + "?") { p.removePhoto(photo.sha256) } }
        }
        show(strip)
        if (screen.canChange) {
            show(ui.button(screen.takePhoto) {
                p.takingPhoto()
                host.takePhoto(p::photo)
            }.apply { isEnabled = screen.canTakePhoto })
            screen.needsAttendee?.let { show(ui.text(it, 14f)) }
            show(ui.button(texts[TextKey.GATHERING_CLOSE]) { host.confirm(texts[TextKey.GATHERING_CLOSE_CONFIRM], p::close) })
        }
        walkIn(state.walkIn)
    }

    /** The walk-in dialog follows the state: open while [walkIn] is set, with its hint and error. */
    private fun walkIn(walkIn: WalkInForm?) {
        if (walkIn == null) {
            dialog?.dismiss()
            dialog = null
            return
        }
        walkInHint.text = walkIn.ageHint ?: ""
        walkInError.text = walkIn.error ?: ""
        if (dialog != null) return
        val form = with(ui) {
            column().apply {
                add(labelled(texts[TextKey.WALK_IN_NAME], input("", walkIn.name) { p.walkIn(WalkInEdit.Name(it)) }))
                add(labelled(texts[TextKey.WALK_IN_SEX], choice(sexOptions(texts), walkIn.sex) { p.walkIn(WalkInEdit.Sex(it)) }))
                add(labelled(texts[TextKey.WALK_IN_BIRTH_YEAR], input("", walkIn.birthYear, InputType.TYPE_CLASS_NUMBER) { p.walkIn(WalkInEdit.BirthYear(it)) }))
                val ages = listOf<Pair<AgeGroup?, String>>(null to ageGroupName(null, texts.language)) +
                    ageGroups().map { it to ageGroupName(it, texts.language) }
                add(labelled(texts[TextKey.WALK_IN_AGE_GROUP], choice(ages, walkIn.ageGroup) { p.walkIn(WalkInEdit.AgeGroup(it)) }))
                listOf(walkInHint, walkInError).forEach { (it.parent as? LinearLayout)?.removeView(it) }
                add(walkInHint)
                add(labelled(texts[TextKey.WALK_IN_ETHNICITY], choice(ethnicityOptions(texts), walkIn.ethnicity) { p.walkIn(WalkInEdit.Ethnicity(it)) }))
                add(walkInError)
            }
        }
        val shown = AlertDialog.Builder(ui.context)
            .setTitle(texts[TextKey.WALK_IN_TITLE])
            .setView(ui.scroll(form))
            .setPositiveButton(texts[TextKey.WALK_IN_ADD], null)
            .setNegativeButton(texts[TextKey.ACTION_CANCEL]) { _, _ -> p.cancelWalkIn() }
            .setOnCancelListener { p.cancelWalkIn() }
            .create()
        dialog = shown
        shown.show()
        // Adding keeps the dialog open until the core accepts the person.
        shown.getButton(AlertDialog.BUTTON_POSITIVE).setOnClickListener { p.addWalkIn() }
    }
}
