package org.branchbook.app.screen

import android.app.AlertDialog
import android.app.Dialog
import android.graphics.Bitmap
import android.graphics.BitmapFactory
import android.graphics.Color
import android.media.MediaDataSource
import android.media.MediaPlayer
import android.text.InputType
import android.view.Gravity
import android.view.View
import android.view.ViewGroup
import android.widget.Button
import android.widget.CheckBox
import android.widget.CompoundButton
import android.widget.EditText
import android.widget.ImageView
import android.widget.LinearLayout
import android.widget.RadioButton
import android.widget.TextView
import org.branchbook.app.presenter.AppScope
import org.branchbook.app.presenter.QuestionItem
import org.branchbook.app.presenter.SurveyPresenter
import org.branchbook.app.presenter.SurveyState
import org.branchbook.app.presenter.pictureSampleSize
import uniffi.branchbook.core.RankView
import uniffi.branchbook.core.GeoLineView
import uniffi.branchbook.core.Answer
import uniffi.branchbook.core.LabelMedia
import uniffi.branchbook.core.Page
import uniffi.branchbook.core.PickerFields
import uniffi.branchbook.core.Question
import uniffi.branchbook.core.QuestionKind
import uniffi.branchbook.core.TextKey
import uniffi.branchbook.pickerStart

/**
 * Filling a survey: the core's page drawn as Views, a widget for every question kind.
 * A page's widgets are built when the page changes; on the same page a typed answer
 * only updates its error (the box keeps her cursor), other widgets are redrawn.
 */
class SurveyScreen(private val ui: Ui, scope: AppScope, submissionId: String, private val host: Host) : Screen {
    private val texts = scope.texts
    private val p = SurveyPresenter(scope, submissionId)
    private val header = ui.column(0)
    private val questions = ui.column(0)
    private val footer = ui.column(0)
    private val blocks = mutableMapOf<String, Block>()
    private var shownPage = -1
    private var dialog: AlertDialog? = null
    private var picture: Dialog? = null
    private var player: MediaPlayer? = null
    private var playing: Button? = null
    private var tracking: AutoCloseable? = null

    override val view: View = ui.scroll(ui.column().apply {
        addView(header)
        addView(questions)
        addView(footer)
    })

    /** A question's Views: its box, its error line, and its text box when it has one. */
    private class Block(val box: LinearLayout, val error: TextView, val edit: EditText?)

    override fun start() {
        p.onChange = ::render
        render(p.state)
        p.open()
    }

    /** The form records where it was opened: one fix, asked as the GPS question asks, handed to the core when it comes. */
    private fun startLocation(state: SurveyState) {
        if (!state.wantsStartLocation) return
        p.locatingStart()
        host.locate { fix -> fix?.let { p.startLocation(it[0], it[1], it[2].takeIf { a -> !a.isNaN() }, it[3].takeIf { a -> !a.isNaN() }) } }
    }

    /** The form's audit log wants the phone's position while the form shows: followed until the screen goes away. */
    private fun trackAuditLocation(state: SurveyState) {
        val request = state.auditLocation ?: return
        if (tracking != null) return
        tracking = host.track(request, p::auditLocation)
    }

    override fun stop() {
        tracking?.close()
        tracking = null
        p.onChange = null
        dialog?.dismiss()
        picture?.dismiss()
        stopAudio()
        p.close()
    }

    private fun render(state: SurveyState) {
        header.removeAllViews()
        footer.removeAllViews()
        if (state.loading) {
            header.addView(ui.text(texts[TextKey.COMMON_LOADING]))
            return
        }
        with(ui) {
            header.add(text(state.progress, 15f))
            if (state.languages.size > 1) {
                header.add(labelled(texts[TextKey.FORM_LABEL_LANGUAGE], choice(state.languages.map { it.name to it.name }, state.language) { p.language(it) }))
            }
            if (state.breadcrumbs.isNotEmpty()) header.add(text(state.breadcrumbs, 15f, bold = true))
            state.title?.let { header.add(title(it)) }
        }
        page(state)
        with(ui) {
            when (val page = state.page) {
                is Page.RepeatPrompt -> {
                    footer.add(text(state.repeatPrompt ?: page.label, 18f))
                    footer.add(button(texts[TextKey.FORM_ADD_REPEAT], p::addRepeat))
                    footer.add(button(texts[TextKey.FORM_NO_MORE_REPEAT], p::next))
                }
                Page.End -> {
                    footer.add(title(texts[TextKey.FORM_END_TITLE]))
                    footer.add(text(texts[TextKey.FORM_END_BODY]))
                    footer.add(button(texts[TextKey.FORM_FINALIZE], p::finalize))
                }
                Page.Questions -> state.removableEntry?.let {
                    footer.add(button(texts[TextKey.FORM_REMOVE_REPEAT]) { host.confirm(texts[TextKey.FORM_REMOVE_REPEAT_CONFIRM], p::removeEntry) })
                }
            }
            val nav = LinearLayout(context)
            val half = LinearLayout.LayoutParams(0, android.view.ViewGroup.LayoutParams.WRAP_CONTENT, 1f)
            nav.addView(button(texts[TextKey.FORM_BACK], p::back).apply { isEnabled = state.canGoBack }, half)
            nav.addView(button(texts[TextKey.FORM_NEXT], p::next).apply { isEnabled = state.canGoNext && state.page !is Page.RepeatPrompt }, LinearLayout.LayoutParams(half))
            footer.add(nav)
            footer.add(button(texts[TextKey.FORM_JUMP_LIST], p::openJumpList))
            footer.add(text(texts[TextKey.FORM_AUTOSAVED], 14f))
            footer.add(button(texts[TextKey.FORM_DELETE_DRAFT]) { host.confirm(texts[TextKey.FORM_DELETE_DRAFT_CONFIRM], p::deleteDraft) })
        }
        state.message?.let {
            host.toast(it)
            p.messageShown()
        }
        lists(state)
        startLocation(state)
        trackAuditLocation(state)
    }

    /** Builds the page's widgets when the page changes; otherwise updates them. */
    private fun page(state: SurveyState) {
        val paths = state.questions.map { it.question.path }
        if (state.pageNumber != shownPage) {
            shownPage = state.pageNumber
            blocks.clear()
        }
        blocks.keys.retainAll(paths.toSet())
        questions.removeAllViews()
        for (item in state.questions) {
            val path = item.question.path
            val known = blocks[path]
            val block = if (known?.edit != null) known.also { it.error.update(item.error) } else build(item, known?.box ?: ui.column(0))
            blocks[path] = block
            (block.box.parent as? LinearLayout)?.removeView(block.box)
            with(ui) { questions.add(block.box) }
        }
    }

    private fun TextView.update(error: String?) {
        text = error ?: ""
        visibility = if (error == null) View.GONE else View.VISIBLE
    }

    /** The widget of [item] in [box] (emptied first). */
    private fun build(item: QuestionItem, box: LinearLayout): Block {
        box.removeAllViews()
        box.setPadding(0, ui.dp(12), 0, ui.dp(12))
        val q = item.question
        val mark = if (q.required) " " + texts[TextKey.FORM_REQUIRED_MARK] else ""
        var edit: EditText? = null
        with(ui) {
            box.add(text(q.label + mark, 18f, bold = q.kind != QuestionKind.NOTE))
            q.media?.let { media(it, box) }
            q.hint?.let { box.add(text(it, 15f)) }
            val editable = !q.readOnly
            when (q.kind) {
                QuestionKind.TEXT, QuestionKind.INTEGER, QuestionKind.DECIMAL -> {
                    val type = when (q.kind) {
                        QuestionKind.INTEGER -> InputType.TYPE_CLASS_NUMBER or InputType.TYPE_NUMBER_FLAG_SIGNED
                        QuestionKind.DECIMAL -> InputType.TYPE_CLASS_NUMBER or InputType.TYPE_NUMBER_FLAG_DECIMAL or InputType.TYPE_NUMBER_FLAG_SIGNED
                        else -> if (q.appearance?.contains("multiline") == true) InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_MULTI_LINE
                        else InputType.TYPE_CLASS_TEXT or InputType.TYPE_TEXT_FLAG_CAP_SENTENCES
                    }
                    // The number keyboard accepts a decimal comma, as Vietnamese writes it.
                    edit = input("", item.shown, type) { p.type(q.path, it) }.apply {
                        isEnabled = editable
                        if (q.kind == QuestionKind.DECIMAL) keyListener = android.text.method.DigitsKeyListener.getInstance("0123456789-.,")
                    }
                    box.add(edit)
                }
                QuestionKind.SELECT_ONE, QuestionKind.SELECT_MULTIPLE -> q.choices.forEach { c ->
                    val one = q.kind == QuestionKind.SELECT_ONE
                    val tick = tick(if (one) RadioButton(context) else CheckBox(context), c.label, c.name in item.chosen, editable) {
                        if (one) p.choose(q.path, c.name) else p.toggle(q.path, c.name)
                    }
                    val image = c.media?.image
                    if (image == null) box.add(tick) else box.add(pictured(tick, image))
                }
                QuestionKind.RANK -> item.rank?.let { rank(q.path, it, box) }
                QuestionKind.DATE, QuestionKind.TIME, QuestionKind.DATE_TIME -> {
                    box.add(text(item.shown, 18f))
                    val label = texts[if (q.kind == QuestionKind.TIME) TextKey.FORM_PICK_TIME else TextKey.FORM_PICK_DATE]
                    box.add(button(label) { pick(q) }.apply { isEnabled = editable })
                }
                QuestionKind.GEOPOINT -> {
                    box.add(text(item.shown, 18f))
                    box.add(button(texts[TextKey.FORM_GET_LOCATION]) {
                        host.locate { fix -> fix?.let { p.location(q.path, it[0], it[1], it[2].takeIf { a -> !a.isNaN() }, it[3].takeIf { a -> !a.isNaN() }) } }
                    }.apply { isEnabled = editable })
                }
                QuestionKind.GEOTRACE, QuestionKind.GEOSHAPE -> item.line?.let { line(q.path, it, box) }
                QuestionKind.IMAGE -> {
                    (q.value as? Answer.Photo)?.let { photo ->
                        val image = ImageView(context)
                        box.addView(image, LinearLayout.LayoutParams(dp(160), dp(120)))
                        p.thumbnail(photo.sha256) { jpeg -> jpeg?.let { image.setImageBitmap(BitmapFactory.decodeByteArray(it, 0, it.size)) } }
                    }
                    val label = texts[if (q.value == null) TextKey.FORM_TAKE_PHOTO else TextKey.FORM_RETAKE_PHOTO]
                    box.add(button(label) { host.takePhoto { file -> file?.let { p.photo(q.path, it) } } }.apply { isEnabled = editable })
                }
                QuestionKind.AUDIO, QuestionKind.VIDEO -> {
                    val video = q.kind == QuestionKind.VIDEO
                    if (q.value != null) box.add(text(item.shown, 18f))
                    val label = texts[when {
                        q.value != null -> TextKey.FORM_RECORD_AGAIN
                        video -> TextKey.FORM_RECORD_VIDEO
                        else -> TextKey.FORM_RECORD_AUDIO
                    }]
                    box.add(button(label) { host.record(video) { file -> file?.let { p.recording(q.path, it) } } }.apply { isEnabled = editable })
                }
                QuestionKind.BARCODE -> {
                    // Typed by hand, or photographed and read: either way through the box.
                    val code = input(texts[TextKey.FORM_TYPE_CODE], item.shown) { p.type(q.path, it) }.apply { isEnabled = editable }
                    edit = code
                    box.add(code)
                    box.add(button(texts[TextKey.FORM_SCAN_CODE]) {
                        host.takePhoto { file -> file?.let { readCode(it) }?.let { code.setText(it) } }
                    }.apply { isEnabled = editable })
                }
                QuestionKind.ACKNOWLEDGE -> box.add(tick(CheckBox(context), texts[TextKey.FORM_ACKNOWLEDGE], q.value != null, editable) {
                    p.acknowledge(q.path, q.value == null)
                })
                QuestionKind.NOTE -> {}
            }
            val typed = q.kind == QuestionKind.TEXT || q.kind == QuestionKind.INTEGER || q.kind == QuestionKind.DECIMAL || q.kind == QuestionKind.BARCODE
            // A line's widget has its own button that removes every point.
            if (!typed && q.value != null && editable && q.kind != QuestionKind.NOTE && item.line == null) {
                box.add(button(texts[TextKey.FORM_CLEAR_ANSWER]) { p.clear(q.path) })
            }
        }
        val error = ui.error("").apply { update(item.error) }
        with(ui) { box.add(error) }
        return Block(box, error, edit)
    }

    /** The code in the photo at [file] (then deleted), read at most 1600 px wide; null when none. */
    private fun readCode(file: java.io.File): String? {
        val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
        BitmapFactory.decodeFile(file.path, bounds)
        var sample = 1
        while (maxOf(bounds.outWidth, bounds.outHeight) / sample > 1600) sample *= 2
        val bitmap = BitmapFactory.decodeFile(file.path, BitmapFactory.Options().apply { inSampleSize = sample })
        file.delete()
        if (bitmap == null) return p.scanned(IntArray(0), 0, 0)
        val pixels = IntArray(bitmap.width * bitmap.height)
        bitmap.getPixels(pixels, 0, bitmap.width, 0, 0, bitmap.width, bitmap.height)
        return p.scanned(pixels, bitmap.width, bitmap.height).also { bitmap.recycle() }
    }

    /**
     * A label's media under its text, as ODK Collect shows them: its picture fitted to the
     * screen's width (decoded shrunk: a cheap phone's memory is small), opening full
     * screen when the form has a big one; a button to hear its recording.
     */
    private fun media(media: LabelMedia, box: LinearLayout) = with(ui) {
        val big = media.bigImage
        (media.image ?: big)?.let { name ->
            val height = dp(PICTURE_DP)
            val image = ImageView(context).apply {
                adjustViewBounds = true
                maxHeight = height
                scaleType = ImageView.ScaleType.FIT_CENTER
            }
            box.addView(image, LinearLayout.LayoutParams(ViewGroup.LayoutParams.MATCH_PARENT, ViewGroup.LayoutParams.WRAP_CONTENT))
            p.mediaFile(name) { bytes -> bytes?.let { decode(it, context.resources.displayMetrics.widthPixels, height) }?.let(image::setImageBitmap) }
            if (big != null) image.apply {
                isClickable = true
                contentDescription = texts[TextKey.FORM_OPEN_PICTURE]
                minimumHeight = dp(48)
                setOnClickListener { fullScreen(big) }
            }
        }
        media.audio?.let { name ->
            val play = button(texts[TextKey.FORM_PLAY_AUDIO]) {}
            play.setOnClickListener { if (player != null) stopAudio() else playAudio(name, play) }
            box.add(play)
        }
    }

    /** A choice's row with its picture beside it: a tap on the picture is a tap on the choice. */
    private fun pictured(tick: CompoundButton, name: String): View = with(ui) {
        val side = dp(CHOICE_PICTURE_DP)
        val image = ImageView(context).apply {
            scaleType = ImageView.ScaleType.FIT_CENTER
            setOnClickListener { tick.performClick() }
        }
        p.mediaFile(name) { bytes -> bytes?.let { decode(it, side, side) }?.let(image::setImageBitmap) }
        LinearLayout(context).apply {
            gravity = Gravity.CENTER_VERTICAL
            addView(image, LinearLayout.LayoutParams(side, side).apply { marginEnd = dp(12) })
            addView(tick, LinearLayout.LayoutParams(0, ViewGroup.LayoutParams.WRAP_CONTENT, 1f))
        }
    }

    /** [bytes] decoded no larger than it is drawn in [width] x [height] pixels; null when they are no picture. */
    private fun decode(bytes: ByteArray, width: Int, height: Int): Bitmap? {
        val bounds = BitmapFactory.Options().apply { inJustDecodeBounds = true }
        BitmapFactory.decodeByteArray(bytes, 0, bytes.size, bounds)
        val options = BitmapFactory.Options().apply { inSampleSize = pictureSampleSize(bounds.outWidth, bounds.outHeight, width, height) }
        return BitmapFactory.decodeByteArray(bytes, 0, bytes.size, options)
    }

    /** The form's big picture [name] over the whole screen; a tap or Back closes it. */
    private fun fullScreen(name: String) = p.mediaFile(name) { bytes ->
        val metrics = ui.context.resources.displayMetrics
        val bitmap = bytes?.let { decode(it, metrics.widthPixels, metrics.heightPixels) } ?: return@mediaFile
        val image = ImageView(ui.context).apply {
            setBackgroundColor(Color.BLACK)
            scaleType = ImageView.ScaleType.FIT_CENTER
            setImageBitmap(bitmap)
        }
        picture?.dismiss()
        picture = Dialog(ui.context, android.R.style.Theme_Black_NoTitleBar_Fullscreen).apply {
            setContentView(image)
            image.setOnClickListener { dismiss() }
            show()
        }
    }

    /** Plays the form's recording [name] from its bytes (never written out of the encrypted store); [button] turns into Stop meanwhile. */
    private fun playAudio(name: String, button: Button) = p.mediaFile(name) { bytes ->
        if (bytes == null || player != null) return@mediaFile
        val mp = MediaPlayer()
        val ready = runCatching {
            mp.setDataSource(BytesSource(bytes))
            mp.prepare()
        }.isSuccess
        if (!ready) {
            mp.release()
            return@mediaFile
        }
        player = mp
        button.text = texts[TextKey.FORM_STOP_AUDIO]
        mp.setOnCompletionListener { stopAudio() }
        mp.start()
        playing = button
    }

    private fun stopAudio() {
        player?.release()
        player = null
        playing?.text = texts[TextKey.FORM_PLAY_AUDIO]
        playing = null
    }

    /** A recording's bytes as MediaPlayer reads them. */
    private class BytesSource(private val bytes: ByteArray) : MediaDataSource() {
        override fun readAt(position: Long, buffer: ByteArray, offset: Int, size: Int): Int {
            if (position >= bytes.size) return -1
            val n = minOf(size, bytes.size - position.toInt())
            System.arraycopy(bytes, position.toInt(), buffer, offset, n)
            return n
        }

        override fun getSize(): Long = bytes.size.toLong()

        override fun close() {}
    }

    /**
     * Opens the pickers question [q] takes (a date, a time of day, or a date then a time) on
     * the fields the core starts them on, and hands what she picked to the core.
     */
    private fun pick(q: Question) {
        val start = pickerStart(q)
        fun time(day: PickerFields) = host.pickTime(start.hour.toInt(), start.minute.toInt()) { h, m ->
            p.pick(q.path, day.copy(hour = h.toUByte(), minute = m.toUByte()))
        }
        if (q.kind == QuestionKind.TIME) time(start)
        else host.pickDate(start.year, start.month.toInt(), start.day.toInt()) { y, m, d ->
            val day = start.copy(year = y, month = m.toUByte(), day = d.toUByte())
            if (q.kind == QuestionKind.DATE_TIME) time(day) else p.pick(q.path, day)
        }
    }

    /**
     * A rank question: each item on its own row with its place, and ▲ ▼ buttons large
     * enough for a thumb; while it is not ranked, the core's line and its keep button.
     */
    private fun rank(path: String, rank: RankView, box: LinearLayout) = with(ui) {
        rank.status?.let { box.add(text(it, 15f)) }
        rank.items.forEachIndexed { place, item ->
            val row = LinearLayout(context).apply { gravity = Gravity.CENTER_VERTICAL; minimumHeight = dp(56) }
            row.addView(text(item.text, 18f), LinearLayout.LayoutParams(0, ViewGroup.LayoutParams.WRAP_CONTENT, 1f))
            fun arrow(glyph: String, words: String, enabled: Boolean, to: Int) = Button(context).apply {
                text = glyph
                textSize = 20f
                contentDescription = "$words: ${item.text}"
                isEnabled = enabled
                setOnClickListener { p.moveRank(path, place, to) }
            }
            val square = LinearLayout.LayoutParams(dp(56), dp(56))
            row.addView(arrow("▲", rank.moveUp, item.canMoveUp, place - 1), square)
            row.addView(arrow("▼", rank.moveDown, item.canMoveDown, place + 1), LinearLayout.LayoutParams(square))
            box.add(row)
        }
        rank.keepOrder?.let { box.add(button(it) { p.moveRank(path, 0, 0) }) }
    }

    /**
     * A line or shape taken point by point (ODK Collect's manual mode): what to do, her points
     * and their length or area, and the core's buttons: add where the phone is now (one fix, as
     * the GPS question asks), take back the last point, remove them all.
     */
    private fun line(path: String, line: GeoLineView, box: LinearLayout) = with(ui) {
        box.add(text(line.help, 15f))
        box.add(text(line.summary, 18f))
        box.add(button(line.addPoint) {
            host.locate { fix -> fix?.let { p.linePoint(path, it[0], it[1], it[2].takeIf { a -> !a.isNaN() }, it[3].takeIf { a -> !a.isNaN() }) } }
        }.apply { isEnabled = line.canAddPoint })
        box.add(button(line.removeLast) { p.removeLastPoint(path) }.apply { isEnabled = line.canRemoveLast })
        box.add(button(line.clear) { host.confirm(line.clearConfirm) { p.clear(path) } }.apply { isEnabled = line.canClear })
    }

    /** A radio button or tick box of a choice, large enough for a thumb. */
    private fun tick(button: CompoundButton, label: String, checked: Boolean, enabled: Boolean, onTap: () -> Unit): CompoundButton =
        button.apply {
            text = label
            textSize = 18f
            minHeight = ui.dp(48)
            isChecked = checked
            isEnabled = enabled
            setOnClickListener { onTap() }
        }

    /** The jump list and the finalize problems, as dialogs that follow the state. */
    private fun lists(state: SurveyState) {
        dialog?.setOnDismissListener(null)
        dialog?.dismiss()
        dialog = null
        val jump = state.jumpTargets
        val problems = state.problems
        val (title, rows) = when {
            problems != null -> (state.problemsTitle ?: "") to problems.map { it.question to "${it.label}: ${it.message}" }
            jump != null -> texts[TextKey.FORM_JUMP_LIST] to jump.map {
                it.path to listOfNotNull(it.section.takeIf { s -> s.isNotEmpty() }, it.label, if (it.answered) null else "(${texts[TextKey.FORM_UNANSWERED]})").joinToString(" · ")
            }
            else -> return
        }
        dialog = AlertDialog.Builder(ui.context)
            .setTitle(title)
            .setItems(rows.map { it.second }.toTypedArray()) { _, which -> p.jump(rows[which].first) }
            .setOnDismissListener { p.closeLists() }
            .show()
    }

    private companion object {
        /** The tallest a label picture is drawn in the page (dp): the question's answers stay in sight. */
        const val PICTURE_DP = 240

        /** A choice's picture: a square a thumb finds (dp). */
        const val CHOICE_PICTURE_DP = 72
    }
}
