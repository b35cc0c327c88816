package org.branchbook.app

import android.app.Activity
import android.os.Bundle
import android.util.TypedValue
import android.view.ViewGroup.LayoutParams.MATCH_PARENT
import android.view.ViewGroup.LayoutParams.WRAP_CONTENT
import android.widget.ArrayAdapter
import android.widget.LinearLayout
import android.widget.ListView
import android.widget.TextView
import org.branchbook.app.presenter.EthnicityChoices

/**
 * The launcher screen. For now it proves the whole chain on a phone (Views built in code,
 * the generated bindings, JNA, the core library from jniLibs) by listing the ethnic groups
 * the core knows; the home screen replaces it.
 */
class MainActivity : Activity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        val choices = EthnicityChoices()
        val title = TextView(this).apply {
            text = "Branchbook"
            setTextSize(TypedValue.COMPLEX_UNIT_SP, 24f)
        }
        val list = ListView(this).apply {
            adapter = ArrayAdapter(this@MainActivity, android.R.layout.simple_list_item_1, choices.labels)
        }
        val padding = (16 * resources.displayMetrics.density).toInt()
        setContentView(LinearLayout(this).apply {
            orientation = LinearLayout.VERTICAL
            setPadding(padding, padding, padding, padding)
            addView(title, LinearLayout.LayoutParams(MATCH_PARENT, WRAP_CONTENT))
            addView(list, LinearLayout.LayoutParams(MATCH_PARENT, 0, 1f))
        })
    }
}
