package org.branchbook.app

import android.content.ContentProvider
import android.content.ContentValues
import android.database.Cursor
import android.net.Uri
import android.os.ParcelFileDescriptor
import java.io.File
import java.io.FileNotFoundException

/**
 * Lets the camera app write the photo she takes into the app's private camera folder
 * (the platform forbids handing it a file path; AndroidX's FileProvider is not used).
 * Only files of that folder, only by name, only with the permission the camera intent
 * grants for that one photo.
 */
class PhotoProvider : ContentProvider() {
    override fun onCreate(): Boolean = true

    override fun openFile(uri: Uri, mode: String): ParcelFileDescriptor {
        val name = uri.lastPathSegment ?: throw FileNotFoundException(uri.toString())
        val folder = folder(context ?: throw FileNotFoundException(uri.toString()))
        val file = File(folder, name)
        if (file.parentFile != folder || name.contains('/')) throw FileNotFoundException(uri.toString())
        return ParcelFileDescriptor.open(file, ParcelFileDescriptor.parseMode(mode))
    }

    override fun query(uri: Uri, projection: Array<out String>?, selection: String?, args: Array<out String>?, sort: String?): Cursor? = null

    override fun getType(uri: Uri): String = "image/jpeg"

    override fun insert(uri: Uri, values: ContentValues?): Uri? = null

    override fun delete(uri: Uri, selection: String?, args: Array<out String>?): Int = 0

    override fun update(uri: Uri, values: ContentValues?, selection: String?, args: Array<out String>?): Int = 0

    companion object {
        /** The provider's authority, as the manifest declares it. */
        const val AUTHORITY = "org.branchbook.app.photos"

        /** Where photos wait until the core has taken them in (then they are deleted). */
        fun folder(context: android.content.Context): File = File(context.cacheDir, "camera").apply { mkdirs() }

        /** The address the camera app writes [file] (in [folder]) through. */
        fun uriOf(file: File): Uri = Uri.parse("content://$AUTHORITY/${file.name}")
    }
}
