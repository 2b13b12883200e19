server {
    listen 80;
    location / {
        proxy_pass http://${UPSTREAM_CONTAINER}:${UPSTREAM_PORT};
        proxy_hide_header Access-Control-Allow-Origin;
        proxy_hide_header Access-Control-Allow-Credentials;
        add_header Access-Control-Allow-Origin '${CORS_HOST}' always;
        add_header Access-Control-Allow-Credentials true always;
    }
}
