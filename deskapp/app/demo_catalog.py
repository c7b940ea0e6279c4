"""The demo desk's agents, customers, incident titles and notes, and how often each occurs."""

from __future__ import annotations

from deskapp.core.lifecycle import ResolutionType

AGENTS = ("ana", "ben", "chen", "dara", "eli", "farah", "gus", "hana")
VENDOR_WEIGHTS = {"maqsu": 3.0, "magaya": 3.0, "acelynk": 2.0, "catapult": 2.0}
# Weights by severity position, most severe first: most incidents are the lower ones.
SEVERITY_WEIGHTS = {
    1: (1.0,),
    2: (0.3, 0.7),
    3: (0.12, 0.33, 0.55),
    4: (0.06, 0.17, 0.42, 0.35),
}
RESOLUTION_WEIGHTS = (
    (ResolutionType.ANSWER, 45),
    (ResolutionType.WORKAROUND, 15),
    (ResolutionType.EXISTING_CODE_CORRECTION, 25),
    (ResolutionType.NEW_CODE_CORRECTION, 15),
)
# Catapult's client sites: (zone, holiday country); None follows the office.
SITES: tuple[tuple[str | None, str | None], ...] = (
    (None, None), (None, None), ("Asia/Manila", "PH"), ("America/Chicago", "US"),
    ("Europe/London", "GB"),
)
REPORTERS = (
    ("Maria Santos", "maria.santos@harbor-freight.example"),
    ("Tom Becker", "+1 305 555 0142"),
    ("Priya Nair", "priya.nair@bluewave.example"),
    ("Kenji Mori", "kenji.mori@pacific-lines.example"),
    ("Lucia Ferraro", "l.ferraro@medcargo.example"),
    ("Daniel Okafor", "+1 713 555 0190"),
    ("Siti Rahman", "siti.rahman@straits-logistics.example"),
    ("Jon Eriksen", "jon.eriksen@nordfreight.example"),
    ("Grace Lim", "+65 6555 0137"),
    ("Hector Ruiz", "hector.ruiz@gulfport.example"),
)
TITLES: dict[str, tuple[tuple[str, str], ...]] = {
    "maqsu": (
        ("Posting a sales invoice fails with a validation error",
         "Submitting any sales invoice shows 'Account is mandatory'; started after the upgrade."),
        ("Stock ledger shows negative quantity after a return",
         "Warehouse B shows -12 units of item 4410 after a customer return was posted."),
        ("Payroll run stops at 60 %", "The monthly payroll run stops with a timeout."),
        ("Report export to Excel is empty", "Accounts receivable summary exports no rows."),
        ("Cannot log in after password reset", "Three users get 'invalid login' after reset."),
        ("Upgrade to the new release breaks a workflow",
         "The purchase approval workflow no longer sends e-mails since the upgrade."),
        ("Duplicate journal entries after sync", "Bank sync created each entry twice."),
        ("How do I set up a new price list?", "Question about price list rules per customer."),
    ),
    "magaya": (
        ("Warehouse receipts cannot be saved", "Saving a WR gives 'object reference not set'."),
        ("Invoices cannot be posted to accounting", "Posting hangs; staff re-key invoices."),
        ("Shipment tracking screen is slow", "Opening a shipment takes 40 s since Monday."),
        ("Label printer prints misaligned labels", "Cargo labels print 5 mm to the right."),
        ("Application will not start for anyone", "Every workstation shows a database error."),
        ("Rate calculation gives wrong totals", "Air freight rates ignore the fuel surcharge."),
        ("How do I add a new user?", "The office needs access for a new hire."),
        ("Customs documents missing from the portal", "Customers cannot see their documents."),
    ),
    "acelynk": (
        ("Entry filing rejected by CBP", "ACE rejects entry summaries with an unknown error."),
        ("ISF filing stuck in pending", "ISF filings stay pending for hours."),
        ("Cannot transmit a manifest", "Transmission fails with a certificate error."),
        ("Navigator crashes when printing", "Printing a 7501 closes the program."),
        ("Question about the new release notes", "What changed in the ABI module?"),
        ("Duty calculation off by a cent", "Totals differ from CBP's by one cent."),
    ),
    "catapult": (
        ("Application Services unavailable", "No user can reach the application."),
        ("Billing feature fails for all users", "Billing runs end with an internal error."),
        ("Dashboard widgets do not load", "The home dashboard shows empty widgets."),
        ("Export job produces a corrupt file", "The nightly export cannot be opened."),
        ("Search returns no results", "Search finds nothing since the deployment."),
        ("General usage question about reports", "How can a report be scheduled?"),
    ),
}
GENERIC_TITLES = (
    ("The application shows an error", "An error message appears while working."),
    ("A feature does not work as expected", "The results are not what the manual says."),
    ("Usage question", "How is this done in the product?"),
)
REF_PREFIX = {"maqsu": "MQ", "magaya": "MGY", "acelynk": "ACE", "catapult": "CAT"}
PAUSE_NOTES = ("Asked the customer for a screenshot", "Waiting for the customer's log files",
               "Customer will test the fix tomorrow", "Waiting for the customer's approval")
UPDATES = ("Customer sent the requested files", "Customer reports it happens again",
           "Customer asks for news", "Customer added more users who are affected")
REPLIES = ("Thanks, we are looking into it", "Forwarded to the vendor",
           "Update sent to the customer", "Acknowledged; investigating")
VENDOR_REPLIES = ("Vendor confirms the defect", "Vendor is reproducing the problem",
                  "Vendor asks for the version number", "Vendor sent a hotfix")
COMMENTS = ("Called the customer back", "Checked the logs; nothing unusual",
            "Reproduced on the test system", "Same problem as last month",
            "Customer is on holiday until Monday")
RAISE_REASONS = ("More users are affected than first reported",
                 "Business process is now halted", "Filing deadline moved closer")
LOWER_REASONS = ("A workaround is in place", "Only one user is affected",
                 "Turned out to be a usage question")
REOPEN_REASONS = ("The problem came back", "The fix does not cover every case",
                  "Customer reports the same error again")
WORKAROUNDS = ("Temporary fix applied on the server", "Customer uses the export instead",
               "Patch installed on the affected workstations")
