#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <cblas.h>
static double now(void){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
static long long steal(void){FILE*f=fopen("/proc/stat","r");char c[8];long long v[10];fscanf(f,"%s %lld %lld %lld %lld %lld %lld %lld %lld",c,&v[0],&v[1],&v[2],&v[3],&v[4],&v[5],&v[6],&v[7]);fclose(f);return v[7];}
int main(){int n=512;float*a=malloc(4*n*n),*b=malloc(4*n*n),*c=malloc(4*n*n);for(int i=0;i<n*n;i++){a[i]=1;b[i]=1;}
for(int s=0;s<40;s++){long long s0=steal();double t=now();int reps=0;while(now()-t<0.5){cblas_sgemm(CblasRowMajor,CblasNoTrans,CblasNoTrans,n,n,n,1,a,n,b,n,0,c,n);reps++;}double e=now()-t;
printf("%5.1f GF/s steal %lld ticks\n",2.0*n*n*n*reps/e*1e-9,steal()-s0);}}
