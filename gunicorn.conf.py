"""gunicorn's settings for the portal's container (read from the working directory).

The access log names the client by the address the portal works out behind the reverse
proxy (common.clientip puts it into the WSGI environ), not by the proxy's address.
"""

access_log_format = (
    '%({beweqo_client_ip}e)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms'
)
