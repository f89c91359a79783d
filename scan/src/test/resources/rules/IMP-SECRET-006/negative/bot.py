SLACK = os.environ['SLACK_BOT_TOKEN']  # xoxb-your-token
