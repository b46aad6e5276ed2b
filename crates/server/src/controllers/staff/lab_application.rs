//! The fields of a lab's application: the public profile the labs page shows.
//!
//! Why a module of its own: the same four fields, with the registry's own limits as the
//! browser's `maxlength`, so a form never invites text the server will refuse. A re-application
//! starts from what the lab said last time.

use crate::html::{Markup, html};
use dtsec_registry::Lab;
use dtsec_registry::lab_profile::{MAX_ACCREDITATION, MAX_CONTACT, MAX_LOCATION, MAX_SCOPE};

/// The labelled inputs; `previous` fills them with the lab's last application.
pub fn fields(previous: Option<&Lab>) -> Markup {
    let old =
        |f: fn(&Lab) -> &Option<String>| previous.and_then(|l| f(l).clone()).unwrap_or_default();
    html! {
        label for="lab-location" { "Location (city, country)" }
        input id="lab-location" name="location" required maxlength=(MAX_LOCATION)
            autocomplete="address-level2" value=(old(|l| &l.location));
        label for="lab-scope" { "Scope (device types and assurance you evaluate)" }
        textarea id="lab-scope" name="scope" required maxlength=(MAX_SCOPE) rows="3" {
            (old(|l| &l.scope))
        }
        label for="lab-accreditation" { "Accreditation (body and number)" }
        input id="lab-accreditation" name="accreditation" required maxlength=(MAX_ACCREDITATION)
            value=(old(|l| &l.accreditation));
        label for="lab-contact" { "Contact (an e-mail address or an https:// URL)" }
        input id="lab-contact" name="contact" required maxlength=(MAX_CONTACT)
            value=(old(|l| &l.contact));
    }
}
