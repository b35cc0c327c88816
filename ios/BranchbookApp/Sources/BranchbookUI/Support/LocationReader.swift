import CoreLocation
import Foundation

/// The phone's position from CoreLocation for a geopoint question: it keeps the most
/// accurate fix while she waits, so she can save once the accuracy is good enough.
@MainActor
final class LocationReader: NSObject, ObservableObject, CLLocationManagerDelegate {
    @Published private(set) var best: CLLocation?
    @Published private(set) var denied = false
    @Published private(set) var running = false
    private let manager = CLLocationManager()

    override init() {
        super.init()
        manager.delegate = self
        manager.desiredAccuracy = kCLLocationAccuracyBest
    }

    func start() {
        best = nil
        running = true
        switch manager.authorizationStatus {
        case .notDetermined:
            manager.requestWhenInUseAuthorization()
        case .denied, .restricted:
            denied = true
            running = false
        default:
            manager.startUpdatingLocation()
        }
    }

    func stop() {
        manager.stopUpdatingLocation()
        running = false
    }

    nonisolated func locationManagerDidChangeAuthorization(_ manager: CLLocationManager) {
        Task { @MainActor in
            switch manager.authorizationStatus {
            case .authorizedWhenInUse, .authorizedAlways:
                denied = false
                if running {
                    manager.startUpdatingLocation()
                }
            case .denied, .restricted:
                denied = true
                running = false
            default:
                break
            }
        }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didUpdateLocations locations: [CLLocation]) {
        Task { @MainActor in
            for location in locations where location.horizontalAccuracy >= 0 {
                if let current = best, current.horizontalAccuracy <= location.horizontalAccuracy {
                    continue
                }
                best = location
            }
        }
    }

    nonisolated func locationManager(_ manager: CLLocationManager, didFailWithError error: Error) {
        Task { @MainActor in
            running = false
        }
    }
}
