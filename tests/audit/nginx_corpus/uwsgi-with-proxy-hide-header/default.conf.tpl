server {
    listen ${LISTEN_PORT};
    location /static {
        alias /vol/static;
    }
    location / {
        proxy_hide_header Access-Control-Allow-Origin;
        add_header Access-Control-Allow-Origin *;
        uwsgi_pass ${APP_HOST}:${APP_PORT};
        client_max_body_size 10M;
    }
}
