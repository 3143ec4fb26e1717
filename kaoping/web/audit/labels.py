"""What each log action means, in words (the log stores stable keys such as
``submission.save_draft``; people read 保存草稿). An action without a label here shows its key.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ACTION_LABELS = {
    "auth.login": _("logged in"),
    "auth.logout": _("logged out"),
    "auth.password_change": _("changed the password"),
    "accounts.user_create": _("created an account"),
    "accounts.import": _("imported accounts from a list"),
    "accounts.membership_remove": _("removed a role"),
    "accounts.permissions_change": _("changed permissions"),
    "units.import": _("imported units"),
    "archive.import": _("imported an archive"),
    "round.create": _("created the round"),
    "round.scheme_edit": _("edited the scheme"),
    "round.publish_scheme": _("Publish scheme"),
    "round.open_collection": _("Open data collection"),
    "round.start_verification": _("Start verification"),
    "round.start_scoring": _("Start scoring"),
    "round.submit_for_review": _("Send to committee review"),
    "round.return_to_scoring": _("Return to scoring"),
    "round.approve": _("Approve results"),
    "round.publish_results": _("Publish results"),
    "round.close": _("Close and archive"),
    "round.archive": _("built the evaluation archive"),
    "round.archive_retry": _("started building the evaluation archive again"),
    "round.reopen": _("Reopen"),
    "submission.save_draft": _("saved a draft"),
    "submission.upload": _("uploaded the table"),
    "submission.submit": _("submitted the data"),
    "submission.confirm_import": _("confirmed the imported row"),
    "submission.import_all": _("imported all units' table"),
    "submission.return": _("returned for rectification"),
    "submission.check": _("recorded a check"),
    "submission.verify": _("verified the data"),
    "submission.correct_value": _("corrected a value"),
    "submission.attach": _("attached a document"),
    "submission.open_attachment": _("opened a document"),
    "experts.create_group": _("formed an expert group"),
    "experts.add_members": _("added experts"),
    "experts.assign": _("assigned units to experts"),
    "experts.recusal": _("recorded a recusal"),
    "experts.submit_scores": _("submitted expert scores"),
    "experts.close_group": _("closed the group's scoring"),
    "results.run_done": _("finished a scoring run"),
    "results.publish": _("published results"),
    "reports.start_job": _("started generating reports"),
    "reports.job_done": _("finished generating reports"),
    "reports.download": _("downloaded a report"),
    "reports.narratives": _("edited report text"),
    "reports.signing": _("set who signs the reports"),
    "dispute.file": _("filed a dispute"),
    "dispute.accept": _("accepted a dispute"),
    "dispute.reject": _("rejected a dispute"),
    "dispute.form_panel": _("formed a re-review panel"),
    "dispute.opinion": _("gave a re-review opinion"),
    "dispute.decide": _("decided a dispute"),
    "dispute.republish": _("republished results after re-review"),
    "planning.set_plan": _("set the round's deadlines"),
    "approvals.request": _("requested a change after publication"),
    "approvals.decide": _("decided on a change after publication"),
    "planning.remind": _("sent reminders"),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
