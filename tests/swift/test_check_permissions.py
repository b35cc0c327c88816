"""Tests of check_permissions.py: the app's real sources, project.yml and translations
pass with the keys they need found; an API used without its key in project.yml, a key
left untranslated in one language, and a commented-out use are each told apart.

Usage: test_check_permissions.py
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
import unit  # noqa: E402
import check_permissions  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

SCANNER = "let status = AVCaptureDevice.authorizationStatus(for: .video)\n"
LOCATION = "let manager = CLLocationManager()\nmanager.requestWhenInUseAuthorization()\n"
PROJECT = """targets:
  Branchbook:
    info:
      properties:
        NSCameraUsageDescription: Dùng máy ảnh để quét mã QR.
        NSLocationWhenInUseUsageDescription: Dùng vị trí.
"""
VI = '"NSCameraUsageDescription" = "Dùng máy ảnh";\n"NSLocationWhenInUseUsageDescription" = "Dùng vị trí";\n'
EN = '"NSCameraUsageDescription" = "The camera";\n"NSLocationWhenInUseUsageDescription" = "Your location";\n'


def problems(sources, project=PROJECT, strings=None):
    return check_permissions.check(sources, project, {"vi": VI, "en": EN} if strings is None else strings)[1]


class Permissions(unittest.TestCase):
    def test_the_app_declares_what_it_uses(self):
        sources, project_yml, strings = check_permissions.read_app(os.path.join(ROOT, "ios"))
        # The code scanner, the geopoint question, the camera picker and the sound and video
        # recorders are found...
        self.assertEqual(set(check_permissions.needed(sources)), {
            "NSCameraUsageDescription", "NSLocationWhenInUseUsageDescription", "NSPhotoLibraryUsageDescription",
            "NSMicrophoneUsageDescription"})
        # ...and declared, in Vietnamese and English.
        self.assertEqual(set(strings), {"vi", "en"})
        self.assertEqual(check_permissions.check(sources, project_yml, strings), (12, []))

    def test_declared_and_translated_passes(self):
        self.assertEqual(problems({"Scan.swift": SCANNER, "Where.swift": LOCATION}), [])

    def test_api_without_its_key(self):
        found = problems({"Pick.swift": "picker.sourceType = .photoLibrary\n"})
        self.assertEqual(len(found), 3)
        self.assertIn("Pick.swift:1: needs NSPhotoLibraryUsageDescription in project.yml", found[0])

    def test_key_untranslated_in_one_language(self):
        found = problems({"Where.swift": LOCATION}, strings={"vi": VI, "en": EN.split("\n")[0]})
        self.assertEqual(found, ["Where.swift:2: NSLocationWhenInUseUsageDescription is not translated in "
                                 "en.lproj/InfoPlist.strings"])

    def test_a_recorder_needs_the_microphone(self):
        for use in ("let recorder = try AVAudioRecorder(url: file, settings: settings)\n",
                    "picker.mediaTypes = [UTType.movie.identifier]\n"):
            found = problems({"Rec.swift": use})
            self.assertIn("Rec.swift:1: needs NSMicrophoneUsageDescription in project.yml", found[0])

    def test_commented_out_use_needs_nothing(self):
        self.assertEqual(problems({"Old.swift": "// CNContactStore was tried here\n"}), [])
        self.assertTrue(problems({"New.swift": "let store = CNContactStore()\n"}))


def main():
    return unit.run(__name__, "permission checker tests")


if __name__ == "__main__":
    sys.exit(main())
