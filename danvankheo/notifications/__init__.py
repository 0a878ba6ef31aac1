"""In-app notifications (thông báo), and email when SMTP is configured."""
